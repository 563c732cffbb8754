import { execFile } from 'node:child_process';
import { devNull } from 'node:os';

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

/**
 * The environment for git: none of the caller's GIT_* variables (a hook or
 * CI job could point git at another repository) and no user or system
 * config, so hashes and behaviour do not depend on the host.
 */
function gitEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_')) {
      env[key] = value;
    }
  }
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: devNull,
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}

/** Runs the real git CLI and resolves with its trimmed stdout. */
export function git(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        env: gitEnvironment(options.env ?? {}),
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as { code?: unknown }).code;
          reject(
            new GitCommandError(
              args,
              typeof code === 'number' ? code : undefined,
              String(stderr || error.message),
            ),
          );
        } else {
          resolve(String(stdout).trim());
        }
      },
    );
  });
}
