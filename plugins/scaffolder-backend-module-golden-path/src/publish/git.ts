import { spawn } from 'node:child_process';
import { devNull, homedir } from 'node:os';

/** The git CLI's failure, with its stderr. */
export class GitCommandError extends Error {
  readonly exitCode: number | undefined;
  readonly stderr: string;

  constructor(args: string[], exitCode: number | undefined, stderr: string) {
    super(`git ${args[0]} failed (exit ${exitCode}): ${stderr.trim()}`);
    this.name = 'GitCommandError';
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** A git command that ran longer than allowed; it was killed with its hooks. */
export class GitTimeoutError extends Error {
  constructor(args: string[], timeoutMs: number) {
    super(
      `git ${args[0]} did not finish within ${
        timeoutMs / 1000
      } s and was stopped (paved.goldenPath.git.timeout)`,
    );
    this.name = 'GitTimeoutError';
  }
}

/** How long a git command may run unless configured otherwise. */
export const DEFAULT_GIT_TIMEOUT_MS = 120_000;

let defaultTimeoutMs = DEFAULT_GIT_TIMEOUT_MS;

/**
 * Sets the time limit of every git command (from
 * `paved.goldenPath.git.timeout`, at start-up). One backend per process, so
 * one setting.
 */
export function setGitTimeout(timeoutMs: number): void {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error(`Invalid git timeout ${timeoutMs} ms`);
  }
  defaultTimeoutMs = timeoutMs;
}

/** Variables git may see from the backend's environment; nothing else (no database passwords, no tokens). */
const PASSED_THROUGH = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'] as const;

/**
 * The environment for git and anything it runs (hooks, filters): a
 * minimal one built here, never the backend's `process.env`, which holds
 * database passwords and tokens. None of the caller's GIT_* variables (a
 * hook or CI job could point git at another repository) and no user or
 * system config, so hashes and behaviour do not depend on the host.
 */
export function gitEnvironment(
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of PASSED_THROUGH) {
    if (process.env[key] !== undefined) {
      env[key] = process.env[key];
    }
  }
  return {
    ...env,
    HOME: homedir(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: devNull,
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Runs the real git CLI and resolves with its trimmed stdout. git runs in a
 * process group of its own, so on timeout it is killed together with any
 * hook or helper it started.
 */
export function git(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: gitEnvironment(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let settled = false;
    let timer: NodeJS.Timeout | undefined = undefined;
    const settle = (error: Error | undefined, value?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value ?? '');
    };
    const killGroup = () => {
      try {
        // The negative pid is the process group: git and its hooks.
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    timer = setTimeout(() => {
      killGroup();
      child.stdout.destroy();
      child.stderr.destroy();
      settle(new GitTimeoutError(args, timeoutMs));
    }, timeoutMs);
    const collect = (chunks: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        killGroup();
        settle(
          new GitCommandError(args, undefined, 'output over 64 MB, stopped'),
        );
        return;
      }
      chunks.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    child.on('error', error =>
      settle(new GitCommandError(args, undefined, error.message)),
    );
    child.on('close', code => {
      if (code === 0) {
        settle(undefined, Buffer.concat(stdout).toString('utf8').trim());
      } else {
        settle(
          new GitCommandError(
            args,
            code ?? undefined,
            Buffer.concat(stderr).toString('utf8'),
          ),
        );
      }
    });
  });
}
