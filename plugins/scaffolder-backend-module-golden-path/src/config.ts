import { resolve as resolvePath } from 'node:path';
import { targetPaths } from '@backstage/cli-common';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { DEFAULT_GIT_TIMEOUT_MS } from './publish/git';

/** Where `goldenpath:publish` creates repositories, read from `paved.goldenPath.publish`. */
export type GoldenPathPublishConfig =
  | {
      target: 'local';
      /** Absolute directory holding one working repository per name. */
      directory: string;
    }
  | {
      target: 'github';
      /** Absolute local directory, still used to confine `file://` registrations. */
      directory: string;
      host: string;
      owner: string;
      repoVisibility: 'private' | 'internal' | 'public';
    };

const VISIBILITIES = ['private', 'internal', 'public'] as const;

/**
 * Reads and checks `paved.goldenPath.publish`. Invalid values fail at start-up
 * rather than on the first template run.
 */
export function readGoldenPathPublishConfig(
  config: Config,
  options?: {
    /** Base for relative directories; the backend's working directory by default. */
    cwd?: string;
    /** Default directory when none is configured; `<repo root>/.paved/repositories` by default. */
    defaultDirectory?: () => string;
  },
): GoldenPathPublishConfig {
  const publish = config.getOptionalConfig('paved.goldenPath.publish');
  const target = publish?.getOptionalString('target') ?? 'local';
  if (target !== 'local' && target !== 'github') {
    throw new Error(
      `Invalid paved.goldenPath.publish.target '${target}', expected 'local' or 'github'`,
    );
  }

  const configuredDirectory = publish?.getOptionalString('local.directory');
  const directory = configuredDirectory
    ? resolvePath(options?.cwd ?? process.cwd(), configuredDirectory)
    : options?.defaultDirectory?.() ??
      targetPaths.resolveRoot('.paved', 'repositories');

  if (target === 'local') {
    return { target, directory };
  }

  const repoVisibility =
    publish?.getOptionalString('github.repoVisibility') ?? 'private';
  if (!(VISIBILITIES as readonly string[]).includes(repoVisibility)) {
    throw new Error(
      `Invalid paved.goldenPath.publish.github.repoVisibility '${repoVisibility}', expected one of ${VISIBILITIES.join(
        ', ',
      )}`,
    );
  }
  return {
    target,
    directory,
    host: publish?.getOptionalString('github.host') ?? 'github.com',
    // getString names the missing key in its error message.
    owner: config.getString('paved.goldenPath.publish.github.owner'),
    repoVisibility: repoVisibility as (typeof VISIBILITIES)[number],
  };
}

/**
 * How long one git command (clone, push, merge…) may run:
 * `paved.goldenPath.git.timeout`, a duration (`{ seconds: 30 }`, `30s`
 * or `PT30S`). Default two minutes.
 */
export function readGitTimeoutMs(config: Config): number {
  const key = 'paved.goldenPath.git.timeout';
  if (!config.has(key)) {
    return DEFAULT_GIT_TIMEOUT_MS;
  }
  const timeoutMs = durationToMilliseconds(
    readDurationFromConfig(config, { key }),
  );
  if (!(timeoutMs > 0)) {
    throw new Error(`Invalid ${key}: must be a positive duration`);
  }
  return timeoutMs;
}
