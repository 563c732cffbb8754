// @ts-check
/*
 * The servers of a soak run: a scratch PostgreSQL database, a Redis server
 * of the run's own, and replicas of the built backend (the production
 * shape, as e2e-tests/production/production-shape.test.mjs starts them),
 * each in its own process group so that the run can stop everything it
 * started and nothing else.
 */
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
const require = createRequire(path.join(repoRoot, 'package.json'));
/** @type {typeof import('pg')} */
const pg = require('pg');

export const bundle = path.join(
  repoRoot,
  'packages/backend/dist/bundle.tar.gz',
);

const READINESS = '/.backstage/health/v1/readiness';

/** @param {number} ms */
export const sleep = ms => new Promise(r => setTimeout(r, ms));

/** PostgreSQL as ./paved provides it (PAVED_PG_URL), as an admin connection. */
export function pgAdminConfig() {
  const url = new URL(
    process.env.PAVED_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432',
  );
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username) || 'postgres',
    // Unchecked by the trust authentication of the servers ./paved provides.
    password: decodeURIComponent(url.password) || 'unused-with-trust-auth',
  };
}

/**
 * Runs one statement on a fresh connection (to `database`, default the
 * server's `postgres`), so that the soak's own connections are never among
 * those it terminates.
 * @param {string} sql
 * @param {unknown[]} [params]
 * @param {string} [database]
 */
export async function pgQuery(sql, params = [], database = 'postgres') {
  const client = new pg.Client({ ...pgAdminConfig(), database });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The Node.js options every deployed replica runs with (the heap limit that
 * keeps it inside its container's memory), from deploy/base/config.env.
 */
function deployedNodeOptions() {
  const configEnv = fs.readFileSync(
    path.join(repoRoot, 'deploy/base/config.env'),
    'utf8',
  );
  const line = configEnv.match(/^NODE_OPTIONS=(.*)$/m);
  if (!line) throw new Error('deploy/base/config.env sets no NODE_OPTIONS');
  return line[1].trim();
}

/**
 * The environment of a replica in production shape: the variables
 * app-config.production.yaml reads, on the given database and Redis, and
 * the deployment's Node.js options (followed by `nodeOptions`, e.g. a
 * profiler).
 * @param {{ database: string, redisUrl: string, ciToken: string, githubOrg: string, nodeOptions?: string }} options
 */
export function productionEnv(options) {
  const pgAdmin = pgAdminConfig();
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    NODE_OPTIONS: [deployedNodeOptions(), options.nodeOptions]
      .filter(Boolean)
      .join(' '),
    POSTGRES_HOST: pgAdmin.host,
    POSTGRES_PORT: String(pgAdmin.port),
    POSTGRES_USER: pgAdmin.user,
    POSTGRES_PASSWORD: pgAdmin.password,
    POSTGRES_DB: options.database,
    REDIS_URL: options.redisUrl,
    PAVED_CI_TOKEN: options.ciToken,
    PAVED_ADMIN_GROUPS: 'group:default/portal-admins',
    AUTH_SESSION_SECRET: randomBytes(24).toString('hex'),
    AUTH_GITHUB_CLIENT_ID: 'dummy-client-id',
    AUTH_GITHUB_CLIENT_SECRET: 'dummy-client-secret',
    GITHUB_ORG: options.githubOrg,
    TECHDOCS_BUCKET: 'paved-techdocs',
    AWS_REGION: 'eu-west-1',
  };
}

/** A TCP port nothing listens on now (the kernel's pick). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** @param {number} port */
export function portInUse(port) {
  return new Promise(resolve => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Lays out the bundle like the Docker image does, with the repo's installed
 * third-party packages standing in for `yarn workspaces focus --production`
 * (as the production-shape test does).
 * @param {string} dir
 */
export function unpackBundle(dir) {
  execFileSync('tar', ['xzf', bundle, '-C', dir]);
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(path.join(repoRoot, 'node_modules'))) {
    // Our own workspace packages must come from the bundle (built code).
    if (entry === '@paved' || entry === 'app' || entry === 'backend') continue;
    fs.symlinkSync(
      path.join(repoRoot, 'node_modules', entry),
      path.join(modules, entry),
    );
  }
  fs.mkdirSync(path.join(modules, '@paved'));
  for (const workspace of ['packages', 'plugins']) {
    for (const pkg of fs.readdirSync(path.join(dir, workspace))) {
      const pkgDir = path.join(dir, workspace, pkg);
      const { name } = JSON.parse(
        fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'),
      );
      fs.symlinkSync(pkgDir, path.join(modules, name));
    }
  }
  for (const file of [
    'app-config.yaml',
    'app-config.production.yaml',
    'catalog-info.yaml',
  ]) {
    fs.copyFileSync(path.join(repoRoot, file), path.join(dir, file));
  }
}

/**
 * Stops a process group we started: SIGTERM, then SIGKILL after `graceMs`
 * (by default longer than a backend replica's 10 s limit on the requests
 * it lets finish, so a replica exits on its own).
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} [graceMs]
 */
export async function stopGroup(child, graceMs = 20_000) {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) {
    return;
  }
  const exited = new Promise(r => child.once('exit', r));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** A Redis server of the run's own: no persistence, on a free port. */
export class SoakRedis {
  /** @type {import('node:child_process').ChildProcess | undefined} */
  #child;
  /** @param {number} port */
  constructor(port) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
  }

  async start() {
    this.#child = spawn(
      'redis-server',
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore', detached: true },
    );
    for (let i = 0; i < 100; i++) {
      if (await portInUse(this.port)) return;
      if (this.#child.exitCode !== null) break;
      await sleep(100);
    }
    throw new Error(`redis-server did not start on ${this.port}`);
  }

  async stop() {
    if (this.#child) await stopGroup(this.#child);
    this.#child = undefined;
  }
}

/**
 * One replica of the built backend with the production configuration and
 * the soak's extra configuration layer.
 */
export class Replica {
  /** @type {import('node:child_process').ChildProcess | undefined} */
  child;
  /** Every process this replica has been, for the RSS samples. */
  generation = 0;

  /**
   * @param {{ index: number, port: number, workDir: string, env: Record<string, string>, configFiles: string[] }} options
   */
  constructor(options) {
    this.index = options.index;
    this.port = options.port;
    this.url = `http://127.0.0.1:${options.port}`;
    this.logFile = path.join(options.workDir, `replica-${options.index}.log`);
    this.options = options;
  }

  get pid() {
    return this.child?.pid;
  }

  get running() {
    return (
      this.child !== undefined &&
      this.child.exitCode === null &&
      this.child.signalCode === null
    );
  }

  start() {
    const { workDir, env, configFiles, port } = this.options;
    const log = fs.openSync(this.logFile, 'a');
    this.generation += 1;
    this.child = spawn(
      process.execPath,
      ['packages/backend', ...configFiles.flatMap(file => ['--config', file])],
      {
        cwd: workDir,
        env: {
          ...env,
          PORT: String(port),
          PAVED_BASE_URL: `http://localhost:${port}`,
        },
        stdio: ['ignore', log, log],
        // Its own process group: the soak kills exactly what it started.
        detached: true,
      },
    );
    fs.closeSync(log);
    return this.child;
  }

  /** Kills the replica without warning, as a node failure does. */
  async kill() {
    const child = this.child;
    if (!child?.pid || !this.running) return;
    const exited = new Promise(r => child.once('exit', r));
    process.kill(-child.pid, 'SIGKILL');
    await exited;
  }

  async stop() {
    if (this.child) await stopGroup(this.child);
  }

  /** @param {number} timeoutMs */
  async waitReady(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(
          `replica ${this.index} exited; see ${this.logFile}:\n${tail(
            this.logFile,
          )}`,
        );
      }
      if (await this.ready()) return;
      await sleep(500);
    }
    throw new Error(
      `replica ${this.index} not ready in ${timeoutMs / 1000} s; see ${
        this.logFile
      }`,
    );
  }

  async ready() {
    try {
      const res = await fetch(`${this.url}${READINESS}`, {
        signal: AbortSignal.timeout(2000),
      });
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false;
    }
  }

  /** The resident set size of the replica's process, in kB. */
  rssKb() {
    if (!this.pid || !this.running) return undefined;
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
      return match ? Number(match[1]) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * How many lines of the replica's log match `pattern`.
   * @param {RegExp} pattern
   */
  logLines(pattern) {
    try {
      return fs
        .readFileSync(this.logFile, 'utf8')
        .split('\n')
        .filter(line => pattern.test(line)).length;
    } catch {
      return 0;
    }
  }

  logBytes() {
    try {
      return fs.statSync(this.logFile).size;
    } catch {
      return 0;
    }
  }
}

/** @param {string} file */
function tail(file) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}
