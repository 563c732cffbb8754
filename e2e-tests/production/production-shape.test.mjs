// @ts-check
/*
 * The production shape of Paved: the built backend bundle, started with
 * app-config.production.yaml against the local PostgreSQL server, as two
 * replicas sharing one database and one Redis (the cache). Run by
 * `./paved test` after `yarn build:backend`, with PAVED_PG_URL and
 * PAVED_REDIS_URL naming the servers the run provides (without them, the
 * PostgreSQL server on 127.0.0.1:5432 as user `postgres` and Redis on
 * 127.0.0.1:6379).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const require = createRequire(path.join(repoRoot, 'package.json'));
const { Client } = require('pg');

const bundle = path.join(repoRoot, 'packages/backend/dist/bundle.tar.gz');
const database = `paved_production_shape_${process.pid}`;
const ciToken = randomBytes(24).toString('base64url');
const pgUrl = new URL(
  process.env.PAVED_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432',
);
const redisUrl = process.env.PAVED_REDIS_URL ?? 'redis://127.0.0.1:6379';
const pgAdmin = {
  host: pgUrl.hostname,
  port: Number(pgUrl.port || 5432),
  user: decodeURIComponent(pgUrl.username) || 'postgres',
  // Unchecked by the trust authentication of the servers ./paved provides.
  password: decodeURIComponent(pgUrl.password) || 'unused-with-trust-auth',
};

/** @type {string} */
let workDir;
/** @type {import('node:child_process').ChildProcess[]} */
const replicas = [];

/**
 * Lays out the bundle like the Docker image does, with the repo's installed
 * third-party packages standing in for `yarn workspaces focus --production`.
 */
function unpackBundle() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-production-'));
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
  return dir;
}

/** @param {number} port */
function startReplica(port) {
  const child = spawn(
    process.execPath,
    [
      'packages/backend',
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
    ],
    {
      cwd: workDir,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(port),
        PAVED_BASE_URL: `http://localhost:${port}`,
        POSTGRES_HOST: pgAdmin.host,
        POSTGRES_PORT: String(pgAdmin.port),
        POSTGRES_USER: pgAdmin.user,
        POSTGRES_PASSWORD: pgAdmin.password,
        POSTGRES_DB: database,
        REDIS_URL: redisUrl,
        PAVED_CI_TOKEN: ciToken,
        PAVED_ADMIN_GROUPS: 'group:default/portal-admins',
        AUTH_SESSION_SECRET: randomBytes(24).toString('hex'),
        AUTH_GITHUB_CLIENT_ID: 'dummy-client-id',
        AUTH_GITHUB_CLIENT_SECRET: 'dummy-client-secret',
        GITHUB_ORG: 'fernhill',
        TECHDOCS_BUCKET: 'paved-techdocs',
        AWS_REGION: 'eu-west-1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', d => (output += d));
  child.stderr?.on('data', d => (output += d));
  Object.defineProperty(child, 'output', { get: () => output });
  replicas.push(child);
  return /** @type {typeof child & { output: string }} */ (child);
}

/**
 * @param {number} port
 * @param {ReturnType<typeof startReplica>} child
 */
async function waitForReadiness(port, child) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `backend on ${port} exited with ${child.exitCode}:\n${child.output}`,
      );
    }
    try {
      const res = await fetch(
        `http://localhost:${port}/.backstage/health/v1/readiness`,
      );
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`backend on ${port} not ready in 120 s:\n${child.output}`);
}

/** @param {number} port */
const readPortalEntity = port =>
  fetch(
    `http://localhost:${port}/api/catalog/entities/by-name/component/default/paved`,
    { headers: { authorization: `Bearer ${ciToken}` } },
  );

/** @param {RegExp} pattern what no replica may have logged so far */
function assertNoReplicaLogged(pattern) {
  for (const replica of replicas) {
    assert.doesNotMatch(
      /** @type {typeof replica & { output: string }} */ (replica).output,
      pattern,
    );
  }
}

/**
 * Counts rows in the run's database with `sql` (`SELECT count(*)::int AS
 * n ...`) until `done(n)` or `attempts` counts `intervalMs` apart; answers
 * the last count.
 * @param {string} sql
 * @param {(n: number) => boolean} done
 * @param {number} attempts
 * @param {number} intervalMs
 */
async function countUntil(sql, done, attempts, intervalMs) {
  const db = new Client({ ...pgAdmin, database });
  await db.connect();
  try {
    const count = async () => (await db.query(sql)).rows[0].n;
    let n = await count();
    for (let i = 0; i < attempts && !done(n); i++) {
      await new Promise(r => setTimeout(r, intervalMs));
      n = await count();
    }
    return n;
  } finally {
    await db.end();
  }
}

before(async () => {
  assert.ok(fs.existsSync(bundle), 'run `yarn build:backend` first');
  const admin = new Client(pgAdmin);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  workDir = unpackBundle();
});

after(async () => {
  for (const child of replicas) child.kill('SIGTERM');
  await Promise.all(
    replicas.map(c =>
      c.exitCode === null
        ? new Promise(r => c.once('exit', r))
        : Promise.resolve(),
    ),
  );
  const admin = new Client(pgAdmin);
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

test('the first replica starts on PostgreSQL and serves the built app', async () => {
  const first = startReplica(7107);
  await waitForReadiness(7107, first);

  const page = await fetch('http://localhost:7107/');
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<title>Paved<\/title>/);
});

test('idle connections outlive the ingress keep-alive', async () => {
  // ingress-nginx and cloud load balancers reuse an idle connection for up
  // to 60 s; a backend closing it sooner fails the request sent on it.
  const res = await fetch(
    'http://localhost:7107/.backstage/health/v1/liveness',
  );
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('keep-alive'), 'timeout=65');
});

test('a CI pipeline reads the catalog with its static access token', async () => {
  // The catalog is filled asynchronously after start-up.
  let res = await readPortalEntity(7107);
  for (let i = 0; i < 60 && res.status === 404; i++) {
    await new Promise(r => setTimeout(r, 1000));
    res = await readPortalEntity(7107);
  }
  assert.equal(res.status, 200);
  const entity = await res.json();
  assert.equal(entity.metadata.name, 'paved');
  assert.equal(entity.spec.owner, 'platform');
});

test('a CI pipeline posts a deployment to the DORA event API', async () => {
  const deployment = {
    type: 'deployment',
    id: 'run-1',
    service: 'paved',
    environment: 'production',
    status: 'success',
    startedAt: '2026-11-26T10:00:00Z',
    finishedAt: '2026-11-26T10:05:00Z',
    commitSha: 'abc1234',
  };
  const post = () =>
    fetch('http://localhost:7107/api/dora/events', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ciToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ events: [deployment] }),
    });
  const first = await post();
  assert.equal(first.status, 200);
  assert.deepEqual(await first.json(), {
    accepted: 1,
    unchanged: 0,
    unattributedServices: [],
  });
  const again = await post();
  assert.equal((await again.json()).unchanged, 1);
});

test('requests without credentials are refused', async () => {
  const res = await fetch(
    'http://localhost:7107/api/catalog/entities/by-name/component/default/paved',
  );
  assert.equal(res.status, 401);
});

test('the CI token is limited to reading the catalog', async () => {
  const res = await fetch('http://localhost:7107/api/catalog/locations', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${ciToken}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      type: 'url',
      target: 'https://github.com/fernhill/x/blob/main/catalog-info.yaml',
    }),
  });
  assert.equal(res.status, 403);
});

test('guest sign-in is off in production', async () => {
  const res = await fetch('http://localhost:7107/api/auth/guest/refresh');
  assert.notEqual(res.status, 200);
});

test('a second replica starts cleanly against the same database', async () => {
  const second = startReplica(7108);
  await waitForReadiness(7108, second);
  const res = await readPortalEntity(7108);
  assert.equal(res.status, 200);
  assert.doesNotMatch(second.output, /migration.*(failed|locked)/i);
});

test('search indexes into PostgreSQL, the one index both replicas read', async () => {
  // The catalog collator is a global task (30 s after start) of whichever
  // replica claims it; the Postgres engine writes its documents to the
  // search plugin's schema, where every replica queries them. (The CI
  // token may only call the catalog and DORA, so this reads the table.)
  assertNoReplicaLogged(/Postgres search engine is not supported/);
  const indexed = await countUntil(
    `SELECT count(*)::int AS n FROM search.documents
     WHERE type = 'software-catalog'
       AND document->>'location' = '/catalog/default/component/paved'`,
    n => n > 0,
    60,
    2000,
  );
  assert.equal(indexed, 1);
});

test("every replica's plugins take their events from the shared bus", async () => {
  // A replica starting while the database is already migrated asked the
  // bus for its subscriptions before the bus's routes were up; answered
  // 404, its signals and catalog kept their events to that replica for
  // good (app-config.production.yaml: events.useEventBus).
  assertNoReplicaLogged(/events backend not found/);
  // Each replica's signals plugin has a subscription of its own.
  const subscriptions = await countUntil(
    `SELECT count(*)::int AS n FROM events.event_bus_subscriptions
     WHERE id LIKE 'signals.%'`,
    n => n >= replicas.length,
    30,
    1000,
  );
  assert.equal(subscriptions, replicas.length);
});

test('a replica stops within seconds of SIGTERM, its long polls cut', async () => {
  // Each replica's plugins hold long polls open on its events bus (55 s
  // each) and idle keep-alive connections (65 s). Kubernetes sends SIGTERM
  // and kills the pod 60 s later (deploy/base/deployment.yaml); a replica
  // waiting on them took about two minutes and was always killed.
  const stopped = await Promise.all(
    replicas.map(async child => {
      const started = Date.now();
      const exited = new Promise(resolve =>
        child.once('exit', code => resolve(code)),
      );
      child.kill('SIGTERM');
      const code = await exited;
      return { code, seconds: (Date.now() - started) / 1000 };
    }),
  );
  for (const { code, seconds } of stopped) {
    assert.equal(code, 0);
    // The drain limit (10 s, packages/backend/src/http/drainOnShutdown.ts)
    // and the shutdown hooks, with room for a slow machine.
    assert.ok(seconds < 20, `stopped after ${seconds.toFixed(1)} s`);
  }
});
