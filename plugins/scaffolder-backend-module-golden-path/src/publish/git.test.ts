import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readGitTimeoutMs } from '../config';
import { git, GitTimeoutError } from './git';

/** Whether a process is alive (an unreaped zombie is not). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const SECRET_NAME = 'PAVED_TEST_DATABASE_PASSWORD';
const SECRET = 'not-for-git-0123456789';

describe('git', () => {
  const root = createMockDirectory();
  let repo: string;

  beforeEach(() => {
    root.clear();
    repo = root.resolve('repo');
    execFileSync('git', ['init', '--quiet', repo]);
    writeFileSync(join(repo, 'README.md'), 'Hello\n');
    process.env[SECRET_NAME] = SECRET;
  });
  afterEach(() => {
    delete process.env[SECRET_NAME];
  });

  function hook(name: string, script: string) {
    const path = join(repo, '.git', 'hooks', name);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
  }

  const commit = (timeoutMs?: number) =>
    git(['commit', '--quiet', '-m', 'Initial'], {
      cwd: repo,
      env: {
        GIT_AUTHOR_NAME: 'Paved',
        GIT_AUTHOR_EMAIL: 'paved@localhost',
        GIT_COMMITTER_NAME: 'Paved',
        GIT_COMMITTER_EMAIL: 'paved@localhost',
      },
      timeoutMs,
    });

  it("gives git and its hooks a minimal environment, not the backend's", async () => {
    const seen = root.resolve('env.txt');
    hook('pre-commit', `env > '${seen}'`);
    await git(['add', '--all'], { cwd: repo });

    await commit();

    const env = readFileSync(seen, 'utf8');
    expect(env).not.toContain(SECRET);
    expect(env).not.toContain(SECRET_NAME);
    expect(env).toMatch(/^PATH=/m);
    expect(env).toMatch(/^HOME=/m);
    expect(env).toMatch(/^GIT_TERMINAL_PROMPT=0$/m);
    expect(env).toMatch(/^GIT_CONFIG_NOSYSTEM=1$/m);
    // The commit was made.
    expect(await git(['log', '--format=%s'], { cwd: repo })).toBe('Initial');
  });

  it('hides the environment from aliases too', async () => {
    const error = await git(
      ['-c', `alias.leak=!echo "[$${SECRET_NAME}]" >&2; exit 3`, 'leak'],
      { cwd: repo },
    ).catch(e => e);
    expect(error.exitCode).toBe(3);
    expect(error.stderr.trim()).toBe('[]');
  });

  it('stops a hanging git, with its hooks, after the timeout', async () => {
    const pidFile = root.resolve('hook.pid');
    hook('pre-commit', `echo $$ > '${pidFile}'\nsleep 30`);
    await git(['add', '--all'], { cwd: repo });

    const start = Date.now();
    const error = await commit(300).catch(e => e);

    expect(Date.now() - start).toBeLessThan(5000);
    expect(error).toBeInstanceOf(GitTimeoutError);
    expect(error.message).toBe(
      'git commit did not finish within 0.3 s and was stopped (paved.goldenPath.git.timeout)',
    );
    // The hook was killed, not left sleeping.
    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await new Promise(done => setTimeout(done, 100));
    expect(isRunning(pid)).toBe(false);
  });

  it('reads the timeout from paved.goldenPath.git.timeout', () => {
    const read = (timeout?: unknown) =>
      readGitTimeoutMs(
        new ConfigReader(
          timeout === undefined
            ? {}
            : { paved: { goldenPath: { git: { timeout } } } },
        ),
      );
    expect(read()).toBe(120_000);
    expect(read({ seconds: 30 })).toBe(30_000);
    expect(read('PT45S')).toBe(45_000);
    expect(() => read('soon')).toThrow(/paved\.goldenPath\.git\.timeout/);
  });
});
