// @ts-check
/*
 * The organisation-scale benchmark (issue 17, part 1): the built backend
 * with the production configuration on a scratch PostgreSQL database, its
 * real catalog reading a generated organisation (generate.mjs) from a file
 * location, then a year of delivery history posted to the DORA event API
 * while the portal's reads are measured before, during and after it.
 * Prints a table (and writes it to the working directory); not a test: it
 * exits 0 whatever it measured, 1 only when it could not run.
 *
 *   node e2e-tests/scale/bench.mjs [--scale F] [--seed N] [--reads N]
 *     [--senders N] [--readers N | --read-rate R] [--ingest-minutes M]
 *     [--window-days D]
 *     [--keep] [--node-options OPTS]
 *
 * --scale F           multiplies every count (default 1: 20 departments,
 *                     200 teams, 2,000 users, 100 systems, 5,000
 *                     components, 500 APIs)
 * --seed N            the generator's seed (default 17)
 * --reads N           reads of each kind before and after ingest (default 20)
 * --senders N         concurrent CI pipelines posting batches (default 4)
 * --read-rate R       reads a second during ingest, on a fixed schedule,
 *                     each timed from when it was due (a read that could
 *                     not start on time counts its wait); default 20: as if
 *                     each of the organisation's 2,000 people opened one of
 *                     the views every 100 s. 0: `--readers` instead
 * --readers N         with --read-rate 0, readers going round every read
 *                     without pause (default 2): they take whatever the
 *                     machine has left, so their rate rises as reads get
 *                     cheaper
 * --ingest-minutes M  stop posting history after M minutes (default 15);
 *                     the table says how much of the year was sent
 * --window-days D     the window of every DORA and cost read, ending now
 *                     (default 365: the year of history)
 * --keep              keep the working directory (backend log, catalog)
 *                     and the database (to query the year's data)
 * --batch-by B       team (default: one batch per team and day, as CI
 *                     pipelines send) or department (a backfill: a
 *                     department's day in one batch of up to 1,000 events)
 * --node-options OPTS NODE_OPTIONS for the backend after the deployment's
 *                     (deploy/base/config.env: the heap limit), e.g.
 *                     `--require` a profiler
 *
 * Needs `yarn build:backend` (packages/backend/dist/bundle.tar.gz), the
 * PostgreSQL server PAVED_PG_URL names (default 127.0.0.1:5432, user
 * postgres) and redis-server on PATH. Uses free ports the kernel picks, a
 * database paved_scale_<pid> it drops at the end and a Redis of its own.
 */
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  Replica,
  SoakRedis,
  bundle,
  freePort,
  pgQuery,
  productionEnv,
  repoRoot,
  sleep,
  unpackBundle,
} from '../soak/replicas.mjs';
import {
  byDepartment,
  deliveryHistory,
  expectedEntities,
  generateOrganisation,
  writeCatalog,
} from './generate.mjs';

const require = createRequire(path.join(repoRoot, 'package.json'));
/** @type {typeof import('yaml')} */
const YAML = require('yaml');

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '17' },
    reads: { type: 'string', default: '20' },
    senders: { type: 'string', default: '4' },
    readers: { type: 'string', default: '2' },
    'read-rate': { type: 'string', default: '20' },
    'ingest-minutes': { type: 'string', default: '15' },
    'window-days': { type: 'string', default: '365' },
    keep: { type: 'boolean', default: false },
    'node-options': { type: 'string' },
    'batch-by': { type: 'string', default: 'team' },
  },
});
const scale = Number(args.scale);
const seed = Number(args.seed);
const readsPerKind = Number(args.reads);
const senders = Number(args.senders);
const readRate = Number(args['read-rate']);
const readers = readRate > 0 ? 0 : Number(args.readers);
const ingestMs = Number(args['ingest-minutes']) * 60_000;
const windowDays = Number(args['window-days']);
const batchBy = args['batch-by'];
if (
  !(scale > 0) ||
  !Number.isInteger(seed) ||
  !(readsPerKind >= 2) ||
  !(senders >= 1) ||
  !(readers >= 0) ||
  !(readRate >= 0 && readRate <= 1000) ||
  !(ingestMs > 0) ||
  !(windowDays >= 1 && windowDays <= 731) ||
  !['team', 'department'].includes(String(batchBy))
) {
  console.error(
    'bad arguments: --scale > 0, --seed an integer, --reads >= 2, --senders >= 1, --readers >= 0, --read-rate 0..1000, --ingest-minutes > 0, --window-days 1..731, --batch-by team or department',
  );
  process.exit(2);
}

const DAY = 86_400_000;
const HISTORY_DAYS = 365;
const READ_TIMEOUT_MS = 60_000;
const CATALOG_INGEST_LIMIT_MS = 30 * 60_000;
/** Ports the rest of the project uses; the kernel's picks never are. */
const RESERVED_PORTS = (/** @type {number} */ p) =>
  (p >= 7000 && p <= 7210) || [3000, 6443, 9003, 9090].includes(p);

const database = `paved_scale_${process.pid}`;
const tokens = {
  ci: randomBytes(24).toString('base64url'),
  observer: randomBytes(24).toString('base64url'),
};

const startedAt = Date.now();
/** @param {string} message */
const log = message =>
  console.log(
    `[scale ${((Date.now() - startedAt) / 1000)
      .toFixed(0)
      .padStart(5)} s] ${message}`,
  );

// ---- measurements ---------------------------------------------------------

/** @typedef {'before' | 'during' | 'after' | 'analysed'} Phase */
/** @type {Phase | 'catalog' | 'start'} */
let phase = 'start';

/**
 * Every answer that was not 2xx, by route and status (0: no answer).
 * @type {Map<string, { route: string, status: number, phase: string, count: number, message: string }>}
 */
const failures = new Map();

/**
 * Read durations by read kind and phase (ms), only of answered 2xx reads.
 * @type {Map<string, Record<Phase, number[]>>}
 */
const readTimes = new Map();
/** The first read of each kind after ingest (a backlog shows here). */
/** @type {Map<string, number>} */
const firstAfter = new Map();

/** @type {{ t: number, kb: number, phase: string }[]} */
const rssSamples = [];

/**
 * The most components a DORA read reported as still being analysed
 * (`analysisPending`), by read kind and phase.
 * @type {Map<string, number>}
 */
const pendingMax = new Map();

/**
 * The message of an error answer, shortened.
 * @param {string} text
 */
function errorMessage(text) {
  let message = text;
  try {
    const body = JSON.parse(text);
    if (body?.error?.message) message = String(body.error.message);
  } catch {
    // not JSON
  }
  message = message.replace(/\s+/g, ' ').trim();
  return message.length > 100 ? `${message.slice(0, 100)}…` : message;
}

/**
 * One request to the backend, once (no retries: the benchmark measures
 * what a caller gets). Counts every non-2xx answer by route and status.
 * @param {string} route what the failure table calls it
 * @param {string} urlPath
 * @param {{ method?: string, token?: string, body?: string, timeoutMs?: number, dueAt?: number }} [options]
 *   `dueAt`: when the request was due (`performance.now()`); its time is
 *   counted from then
 */
async function call(route, urlPath, options = {}) {
  const t0 = options.dueAt ?? performance.now();
  let status = 0;
  let text = '';
  try {
    const res = await fetch(`${backendUrl}${urlPath}`, {
      method: options.method ?? 'GET',
      headers: {
        authorization: `Bearer ${options.token ?? tokens.observer}`,
        ...(options.body ? { 'content-type': 'application/json' } : {}),
      },
      body: options.body,
      signal: AbortSignal.timeout(options.timeoutMs ?? READ_TIMEOUT_MS),
    });
    status = res.status;
    text = await res.text();
  } catch (error) {
    // fetch's own message ("fetch failed") says nothing; its cause does
    // (a reset connection, a socket closed by the server).
    const cause = /** @type {any} */ (error)?.cause;
    text =
      error instanceof Error
        ? `${error.name}: ${error.message}${
            cause ? ` (${cause.code ?? cause.name}: ${cause.message})` : ''
          }`
        : String(error);
  }
  const ms = performance.now() - t0;
  const ok = status >= 200 && status < 300;
  if (!ok) {
    const key = `${route}|${status}|${phase}`;
    const entry = failures.get(key) ?? {
      route,
      status,
      phase,
      count: 0,
      message: errorMessage(text),
    };
    entry.count += 1;
    failures.set(key, entry);
  }
  /** @type {any} */
  let body;
  if (ok) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { ok, status, ms, body };
}

// ---- the organisation and its reads ----------------------------------------

const org = generateOrganisation({ scale, seed });
const expected = expectedEntities(org);
const component = org.components[0];
const team = org.teams.find(t => t.name === component.team) ?? org.teams[0];
const department =
  org.departments.find(d => d.name === team.department) ?? org.departments[0];
const organisationGroup = org.organisation;
const ref = {
  component: `component:default/${component.name}`,
  team: `group:default/${team.name}`,
  department: `group:default/${department.name}`,
  organisation: `group:default/${organisationGroup.name}`,
};

const historyEnd = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const windowTo = new Date(Math.ceil(Date.now() / DAY) * DAY);
const windowFrom = new Date(windowTo.getTime() - windowDays * DAY);
const doraWindow = `from=${windowFrom.toISOString()}&to=${windowTo.toISOString()}`;
const costWindow = `from=${windowFrom.toISOString().slice(0, 10)}&to=${windowTo
  .toISOString()
  .slice(0, 10)}`;
// Outcomes compares with the two windows before: at most 366 days each.
const outcomesWindow = `from=${new Date(
  windowTo.getTime() - Math.min(windowDays, 366) * DAY,
)
  .toISOString()
  .slice(0, 10)}&to=${windowTo.toISOString().slice(0, 10)}`;
const q = (/** @type {string} */ value) => encodeURIComponent(value);

/** The catalog list's next page: reads walk the component list. */
let catalogCursor = /** @type {string | undefined} */ (undefined);

/**
 * Every read the benchmark times: [kind, route, path or a function giving
 * the path].
 * @type {{ kind: string, route: string, path: () => string, after?: (body: any) => void }[]}
 */
const reads = [
  {
    kind: 'catalog: component list, page of 100',
    route: 'GET /api/catalog/entities/by-query (list)',
    path: () =>
      catalogCursor
        ? `/api/catalog/entities/by-query?cursor=${q(catalogCursor)}`
        : `/api/catalog/entities/by-query?filter=kind=component&limit=100&orderField=metadata.name,asc`,
    after: body => {
      catalogCursor = body?.pageInfo?.nextCursor;
    },
  },
  {
    kind: 'catalog: owner filter (team)',
    route: 'GET /api/catalog/entities/by-query (owner)',
    path: () =>
      `/api/catalog/entities/by-query?filter=kind=component,relations.ownedBy=${q(
        ref.team,
      )}&limit=100`,
  },
  .../** @type {const} */ ([
    'component',
    'team',
    'department',
    'organisation',
  ]).map(scope => ({
    kind: `DORA metrics: ${scope}`,
    route: `GET /api/dora/metrics (${scope})`,
    path: () => `/api/dora/metrics?entityRef=${q(ref[scope])}&${doraWindow}`,
  })),
  {
    kind: 'DORA metrics: organisation (no entityRef)',
    route: 'GET /api/dora/metrics (no entityRef)',
    path: () => `/api/dora/metrics?${doraWindow}`,
  },
  .../** @type {const} */ ([
    'component',
    'team',
    'department',
    'organisation',
  ]).map(scope => ({
    kind: `cost: ${scope}`,
    route: `GET /api/cost/entity (${scope})`,
    path: () => `/api/cost/entity?entityRef=${q(ref[scope])}&${costWindow}`,
  })),
  {
    kind: 'cost: organisation (no entityRef)',
    route: 'GET /api/cost/entity (no entityRef)',
    path: () => `/api/cost/entity?${costWindow}`,
  },
  {
    kind: 'Kubernetes status: component',
    route: 'GET /api/kube-status/entity (component)',
    path: () => `/api/kube-status/entity?entityRef=${q(ref.component)}`,
  },
  .../** @type {const} */ (['team', 'department', 'organisation']).map(
    scope => ({
      kind: `Kubernetes status: ${scope}`,
      route: `GET /api/kube-status/team (${scope})`,
      path: () => `/api/kube-status/team?entityRef=${q(ref[scope])}`,
    }),
  ),
  .../** @type {const} */ ([
    'component',
    'team',
    'department',
    'organisation',
  ]).map(scope => ({
    kind: `outcomes: ${scope}`,
    route: `GET /api/outcomes/scope (${scope})`,
    path: () =>
      `/api/outcomes/scope?entityRef=${q(ref[scope])}&${outcomesWindow}`,
  })),
  {
    kind: 'outcomes: organisation (no entityRef)',
    route: 'GET /api/outcomes/scope (no entityRef)',
    path: () => `/api/outcomes/scope?${outcomesWindow}`,
  },
  {
    kind: 'outcomes: every team',
    route: 'GET /api/outcomes/teams',
    path: () => `/api/outcomes/teams?${outcomesWindow}`,
  },
  {
    kind: 'scorecards: component',
    route: 'GET /api/scorecards/entity (component)',
    path: () => `/api/scorecards/entity?entityRef=${q(ref.component)}`,
  },
  .../** @type {const} */ (['team', 'department', 'organisation']).map(
    scope => ({
      kind: `scorecards: ${scope}`,
      route: `GET /api/scorecards/rollup (${scope})`,
      path: () => `/api/scorecards/rollup?entityRef=${q(ref[scope])}`,
    }),
  ),
  {
    kind: 'scorecards: organisation (no entityRef)',
    route: 'GET /api/scorecards/rollup (no entityRef)',
    path: () => '/api/scorecards/rollup',
  },
];

/** The read load during ingest, in words. */
function readLoad() {
  return readRate > 0
    ? `${readRate} reads a second on a fixed schedule`
    : `${readers} readers without pause`;
}

/**
 * One timed read, recorded under the current phase.
 * @param {(typeof reads)[number]} read
 * @param {number} [dueAt] when it was due (a scheduled read)
 */
async function timedRead(read, dueAt) {
  const at = phase;
  const answer = await call(read.route, read.path(), { dueAt });
  if (answer.ok) {
    read.after?.(answer.body);
    const pending = answer.body?.analysisPending;
    if (typeof pending === 'number') {
      const key = `${read.kind}|${at}`;
      pendingMax.set(key, Math.max(pendingMax.get(key) ?? 0, pending));
    }
    if (
      at === 'before' ||
      at === 'during' ||
      at === 'after' ||
      at === 'analysed'
    ) {
      const times = readTimes.get(read.kind) ?? {
        before: [],
        during: [],
        after: [],
        analysed: [],
      };
      times[at].push(answer.ms);
      readTimes.set(read.kind, times);
      if (at === 'after' && !firstAfter.has(read.kind)) {
        firstAfter.set(read.kind, answer.ms);
      }
    }
  } else if (at === 'after' && !firstAfter.has(read.kind)) {
    firstAfter.set(read.kind, NaN);
  }
  return answer;
}

/** Every read kind `n` times, round-robin, one at a time. */
/** @param {number} n */
async function readRounds(n) {
  for (let i = 0; i < n; i++) {
    for (const read of reads) await timedRead(read);
  }
}

// ---- the catalog ----------------------------------------------------------

/** How many entities of each kind the catalog serves now. */
async function catalogCounts() {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const kind of Object.keys(expected)) {
    const answer = await call(
      'GET /api/catalog/entities/by-query (count)',
      `/api/catalog/entities/by-query?filter=kind=${kind}&limit=1&fields=metadata.name`,
    );
    counts[kind] = answer.ok ? Number(answer.body?.totalItems ?? 0) : -1;
  }
  return counts;
}

// ---- delivery history -----------------------------------------------------

const ingest = {
  batches: 0,
  events: 0,
  accepted: 0,
  unchanged: 0,
  failedBatches: 0,
  failedEvents: 0,
  /** Reads answered (or failed) while history was posted. */
  reads: 0,
  unattributed: new Set(),
  /** Per tenth of the year: events stored, first sent, last answered. */
  tenths: Array.from({ length: 10 }, () => ({
    events: 0,
    first: Infinity,
    last: 0,
    batchMs: /** @type {number[]} */ ([]),
  })),
  startedAt: 0,
  endedAt: 0,
  lastDay: -1,
  complete: false,
};
const historyTotal = { batches: 0, events: 0 };

/**
 * @param {Iterator<import('./generate.mjs').DeliveryBatch>} history
 * @param {number} deadline
 */
async function sendHistory(history, deadline) {
  for (;;) {
    if (Date.now() >= deadline) return;
    const next = history.next();
    if (next.done) {
      ingest.complete = true;
      return;
    }
    const batch = next.value;
    const tenth =
      ingest.tenths[Math.min(9, Math.floor((batch.day * 10) / HISTORY_DAYS))];
    const sent = Date.now();
    tenth.first = Math.min(tenth.first, sent);
    const answer = await call('POST /api/dora/events', '/api/dora/events', {
      method: 'POST',
      token: tokens.ci,
      body: JSON.stringify({ events: batch.events }),
      timeoutMs: 120_000,
    });
    tenth.last = Math.max(tenth.last, Date.now());
    tenth.batchMs.push(answer.ms);
    ingest.batches += 1;
    ingest.lastDay = Math.max(ingest.lastDay, batch.day);
    if (answer.ok) {
      ingest.events += batch.events.length;
      tenth.events += batch.events.length;
      ingest.accepted += Number(answer.body?.accepted ?? 0);
      ingest.unchanged += Number(answer.body?.unchanged ?? 0);
      for (const s of answer.body?.unattributedServices ?? []) {
        ingest.unattributed.add(s);
      }
    } else {
      ingest.failedBatches += 1;
      ingest.failedEvents += batch.events.length;
    }
  }
}

// ---- the run ----------------------------------------------------------------

let backendUrl = '';
/** @type {Replica | undefined} */
let replica;
/** @type {SoakRedis | undefined} */
let redis;
let databaseCreated = false;
let workDir = '';
let sampling = true;
let bundleBuilt = '';
let head = 'unknown';

async function sampleRss() {
  while (sampling) {
    const kb = replica?.rssKb();
    if (kb !== undefined) rssSamples.push({ t: Date.now(), kb, phase });
    await sleep(2000);
  }
}

/**
 * How fast the machine is, every 5 s, so a run's figures can be told apart
 * from the moment of the machine it ran at:
 * - `ms`, its cores: the CPU time this process spends on a fixed piece of
 *   work (hashing 16 MiB, about 10 ms on an idle core). The backend and
 *   PostgreSQL sharing the cores with it cost the piece waiting, which is
 *   not counted; a core that does less in the same time (a busier host, a
 *   lower clock) costs it CPU time;
 * - `syncMs`, its disk: writing 8 KiB to a file and waiting until it is on
 *   the disk (`fdatasync`, as PostgreSQL commits its WAL), on the disk the
 *   run's directory is on.
 * @type {{ t: number, ms: number, syncMs: number, phase: string }[]}
 */
const machineSamples = [];
const machineWork = Buffer.alloc(16 * 1024 * 1024, 7);
async function sampleMachine() {
  const file = await fs.promises.open(path.join(workDir, 'disk-probe'), 'w');
  const page = Buffer.alloc(8192, 7);
  try {
    while (sampling) {
      const started = process.cpuUsage();
      createHash('sha256').update(machineWork).digest();
      const used = process.cpuUsage(started);
      const syncStarted = performance.now();
      await file.write(page, 0, page.length, 0);
      await file.datasync();
      machineSamples.push({
        t: Date.now(),
        ms: (used.user + used.system) / 1000,
        syncMs: performance.now() - syncStarted,
        phase,
      });
      await sleep(5000);
    }
  } finally {
    await file.close();
  }
}

/**
 * What PostgreSQL wrote and read, every 5 s, as the server's counters: the
 * WAL it wrote (bytes, and full-page images: the first change to a page
 * after a checkpoint writes the whole page, so inserts spread over large
 * indexes write more WAL as they grow), its checkpoints, and the run
 * database's blocks read from outside its shared buffers. Per tenth of
 * the year, each per 1,000 events stored.
 * @type {{ t: number, walBytes: number, fpi: number, checkpoints: number, blocksRead: number }[]}
 */
const serverSamples = [];
async function sampleServer() {
  while (sampling) {
    try {
      const [row] = await pgQuery(
        `SELECT w.wal_bytes, w.wal_fpi,
           b.checkpoints_timed + b.checkpoints_req AS checkpoints,
           d.blks_read
         FROM pg_stat_wal w, pg_stat_bgwriter b, pg_stat_database d
         WHERE d.datname = $1`,
        [database],
      );
      serverSamples.push({
        t: Date.now(),
        walBytes: Number(row.wal_bytes),
        fpi: Number(row.wal_fpi),
        checkpoints: Number(row.checkpoints),
        blocksRead: Number(row.blks_read),
      });
    } catch {
      // a missed sample only widens the next interval
    }
    await sleep(5000);
  }
}

/**
 * The server's counters over a tenth of the year (see sampleServer), per
 * 1,000 events: WAL MiB, full-page images, blocks read; and checkpoints.
 * @param {{ first: number, last: number, events: number }} tenth
 */
function serverDuring(tenth) {
  const inside = serverSamples.filter(
    s => s.t >= tenth.first && s.t <= tenth.last,
  );
  if (inside.length < 2 || !tenth.events) return '–';
  const a = inside[0];
  const b = inside[inside.length - 1];
  // The events of the tenth stored between the two samples, as a share.
  const share = (b.t - a.t) / (tenth.last - tenth.first);
  const per1000 = 1000 / (tenth.events * share);
  const walMiB = ((b.walBytes - a.walBytes) / 1048576) * per1000;
  return `${walMiB.toFixed(2)} MiB, ${fmtInt(
    (b.fpi - a.fpi) * per1000,
  )} FPI, ${fmtInt((b.blocksRead - a.blocksRead) * per1000)} reads, ${
    b.checkpoints - a.checkpoints
  } ckpt`;
}

/**
 * The run's tables with the most dead rows (updated or deleted, not yet
 * vacuumed) at its end, with their live rows and size: with autovacuum
 * off nothing reclaims them, and a table read often slows as they grow.
 */
async function deadRows() {
  return pgQuery(
    `SELECT schemaname || '.' || relname AS "table", n_live_tup AS live,
       n_dead_tup AS dead, pg_total_relation_size(relid) AS bytes
     FROM pg_stat_user_tables ORDER BY n_dead_tup DESC LIMIT 8`,
    [],
    database,
  );
}

/**
 * The run's tables and indexes whose blocks PostgreSQL read most from
 * outside its shared buffers (from the OS's cache or the disk) over the
 * run, with the blocks found in them: what outgrows the buffers first.
 */
async function blocksRead() {
  return pgQuery(
    `SELECT schemaname || '.' || relname AS "table", heap_blks_read AS heap_read,
       heap_blks_hit AS heap_hit, idx_blks_read AS idx_read, idx_blks_hit AS idx_hit,
       pg_total_relation_size(relid) AS bytes
     FROM pg_statio_user_tables
     ORDER BY coalesce(heap_blks_read, 0) + coalesce(idx_blks_read, 0) DESC LIMIT 8`,
    [],
    database,
  );
}

/**
 * PostgreSQL connections every 5 s: the backend's (to the run's database)
 * and the server's in all (its max_connections is shared with whatever
 * else runs on the machine).
 */
const connections = { backendPeak: 0, serverPeak: 0, max: 0 };
async function sampleConnections() {
  while (sampling) {
    try {
      const [row] = await pgQuery(
        `SELECT count(*) FILTER (WHERE datname = $1) AS backend, count(*) AS server
           FROM pg_stat_activity WHERE backend_type = 'client backend'`,
        [database],
      );
      connections.backendPeak = Math.max(
        connections.backendPeak,
        Number(row.backend),
      );
      connections.serverPeak = Math.max(
        connections.serverPeak,
        Number(row.server),
      );
    } catch {
      // the server refused one more connection: the peak is the maximum
      connections.serverPeak = connections.max;
    }
    await sleep(5000);
  }
}

async function cleanUp() {
  sampling = false;
  await replica?.stop();
  await redis?.stop();
  if (databaseCreated && args.keep) {
    log(`kept database ${database} (drop it with DROP DATABASE ${database})`);
  } else if (databaseCreated) {
    await pgQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(
      error => console.error(`could not drop ${database}: ${error}`),
    );
  }
}

async function freeUnreservedPort() {
  for (;;) {
    const port = /** @type {number} */ (await freePort());
    if (!RESERVED_PORTS(port)) return port;
  }
}

/**
 * What the backend's log says in bulk: its warn and error lines grouped by
 * message (numbers and names folded), and the requests the backend sent to
 * its own catalog (plugins resolving scopes and services), by route.
 * @param {string} file
 */
function summariseLog(file) {
  /** @type {Map<string, number>} */
  const warnings = new Map();
  /** @type {Map<string, number>} */
  const ownCatalogCalls = new Map();
  /** Scorecard passes: components evaluated and milliseconds taken. */
  const scorecardPasses = [];
  let lines = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    lines += 1;
    /** @type {any} */
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    const pass = /^Scorecards: evaluated (\d+) components in (\d+) ms/.exec(
      String(entry.message ?? ''),
    );
    if (pass) {
      scorecardPasses.push({
        components: Number(pass[1]),
        ms: Number(pass[2]),
      });
    }
    if (entry.level === 'warn' || entry.level === 'error') {
      const message = String(entry.message ?? '')
        .replace(/\s+/g, ' ')
        .replace(/[a-z]+:default\/[\w.-]+/g, 'REF')
        .replace(/[\w.-]*\d[\w.-]*/g, 'N')
        .slice(0, 120);
      warnings.set(message, (warnings.get(message) ?? 0) + 1);
    }
    if (
      entry.type === 'incomingRequest' &&
      String(entry.userAgent ?? '').startsWith('node-fetch') &&
      String(entry.url ?? '').startsWith('/api/catalog/')
    ) {
      const route = `${entry.method} ${String(entry.url)
        .replace(/\?.*/, '')
        .replace(/(by-name\/[^/]+\/[^/]+\/).*/, '$1NAME')}`;
      ownCatalogCalls.set(route, (ownCatalogCalls.get(route) ?? 0) + 1);
    }
  }
  const sorted = (/** @type {Map<string, number>} */ m) =>
    [...m].sort((a, b) => b[1] - a[1]);
  return {
    lines,
    warnings: sorted(warnings),
    ownCatalogCalls: sorted(ownCatalogCalls),
    scorecardPasses,
  };
}

/** @param {number[]} values @param {number} p */
function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** @param {number} ms */
const fmtMs = ms =>
  Number.isNaN(ms)
    ? '–'
    : ms >= 1000
    ? `${(ms / 1000).toFixed(2)} s`
    : `${Math.round(ms)} ms`;
/** The machine's piece of work (see sampleMachine), to a tenth of a ms. */
const fmtWork = (/** @type {number} */ ms) => `${ms.toFixed(1)} ms`;
/** @param {number} n */
const fmtInt = n => Math.round(n).toLocaleString('en-GB');
/** @param {number[]} times */
const p50p95 = times =>
  times.length
    ? `${fmtMs(percentile(times, 0.5))} / ${fmtMs(percentile(times, 0.95))}`
    : 'no 2xx';

async function main() {
  if (!fs.existsSync(bundle)) {
    throw new Error('run `yarn build:backend` first');
  }
  bundleBuilt = fs.statSync(bundle).mtime.toISOString().slice(0, 16);
  try {
    head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
  } catch {
    // not a git checkout
  }
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-scale-'));
  // A copy of the bundle: a rebuild during the run does not disturb it.
  unpackBundle(workDir);
  const catalogFiles = writeCatalog(org, path.join(workDir, 'scale-catalog'));

  // The production configuration's own catalog file and CI token, plus the
  // generated organisation's files as locations and an observer token for the
  // reads (no accessRestrictions: DORA, cost and Kubernetes status resolve
  // a read's scope in the catalog on the caller's behalf, which Backstage
  // refuses to delegate for a restricted token).
  const production = YAML.parse(
    fs.readFileSync(path.join(workDir, 'app-config.production.yaml'), 'utf8'),
  );
  const scaleConfig = {
    backend: {
      auth: {
        externalAccess: [
          ...production.backend.auth.externalAccess,
          {
            type: 'static',
            options: { token: tokens.observer, subject: 'scale-observer' },
          },
        ],
      },
    },
    catalog: {
      locations: [
        ...production.catalog.locations,
        // One location per repository and department file, as GitHub
        // discovery and an organisation sync register them.
        ...catalogFiles.map(({ target, allow }) => ({
          type: 'file',
          target,
          rules: [{ allow }],
        })),
      ],
    },
    // Every two minutes instead of production's ten, from 90 s after start
    // (once the catalog is in), so a run sees several evaluation passes of
    // the whole organisation while history pours in and after.
    scorecards: {
      schedule: {
        frequency: { minutes: 2 },
        timeout: { minutes: 2 },
        initialDelay: { seconds: 90 },
      },
      // Five checks an adopter states in configuration, so the roll-ups
      // are measured at 15 checks, as the scorecards' target is set.
      checks: [
        [
          'has-description',
          'Says what it does',
          { field: 'metadata.description' },
        ],
        [
          'has-lifecycle',
          'Declares its lifecycle',
          { field: 'spec.lifecycle' },
        ],
        [
          'source-linked',
          'Links its repository',
          { annotation: 'github.com/project-slug' },
        ],
        [
          'kubernetes-linked',
          'Names its workloads',
          { annotation: 'backstage.io/kubernetes-id' },
        ],
        [
          'has-runbook',
          'Links its runbook',
          { annotation: 'paved.dev/runbook' },
        ],
      ].map(([id, title, requires]) => ({
        id,
        title,
        rationale: 'A standard of the organisation.',
        fix: 'Set it in catalog-info.yaml.',
        requires,
        appliesTo: { types: ['service'] },
      })),
    },
  };
  fs.writeFileSync(
    path.join(workDir, 'app-config.scale.yaml'),
    YAML.stringify(scaleConfig),
  );
  // The portal's own catalog-info.yaml adds to the counts.
  for (const doc of YAML.parseAllDocuments(
    fs.readFileSync(path.join(workDir, 'catalog-info.yaml'), 'utf8'),
  )) {
    const kind = String(doc.toJSON()?.kind ?? '').toLowerCase();
    if (kind in expected) {
      expected[/** @type {keyof typeof expected} */ (kind)] += 1;
    }
  }

  await pgQuery(`CREATE DATABASE ${database}`);
  databaseCreated = true;
  const [{ server_version: pgVersion }] = await pgQuery('SHOW server_version');
  const [{ autovacuum }] = await pgQuery('SHOW autovacuum');
  connections.max = Number(
    (await pgQuery('SHOW max_connections'))[0].max_connections,
  );
  redis = new SoakRedis(await freeUnreservedPort());
  await redis.start();
  const port = await freeUnreservedPort();
  backendUrl = `http://127.0.0.1:${port}`;
  replica = new Replica({
    index: 0,
    port,
    workDir,
    env: productionEnv({
      database,
      redisUrl: redis.url,
      ciToken: tokens.ci,
      githubOrg: 'globex',
      nodeOptions: args['node-options'],
    }),
    configFiles: [
      'app-config.yaml',
      'app-config.production.yaml',
      'app-config.scale.yaml',
    ],
  });
  log(
    `scale ${scale}: ${JSON.stringify(
      expected,
    )}; database ${database} (PostgreSQL ${pgVersion}, autovacuum ${autovacuum}); backend on ${backendUrl}; working directory ${workDir}`,
  );

  const spawnedAt = Date.now();
  replica.start();
  const rssSampler = sampleRss();
  const connectionSampler = sampleConnections();
  const machineSampler = sampleMachine();
  const serverSampler = sampleServer();
  await replica.waitReady(240_000);
  const readyAt = Date.now();
  log(`backend ready in ${((readyAt - spawnedAt) / 1000).toFixed(1)} s`);

  // ---- the catalog ingests the organisation ----
  phase = 'catalog';
  /** @type {Record<string, number>} */
  let counts = {};
  /** @type {Record<string, number>} */
  const completeAt = {};
  let lastLog = 0;
  for (;;) {
    counts = await catalogCounts();
    for (const [kind, n] of Object.entries(counts)) {
      if (
        !(kind in completeAt) &&
        n >= expected[/** @type {keyof typeof expected} */ (kind)]
      ) {
        completeAt[kind] = Date.now();
      }
    }
    if (Object.keys(completeAt).length === Object.keys(expected).length) break;
    if (Date.now() - readyAt > CATALOG_INGEST_LIMIT_MS) {
      log(
        `the catalog did not ingest everything in ${
          CATALOG_INGEST_LIMIT_MS / 60_000
        } min`,
      );
      break;
    }
    if (Date.now() - lastLog > 30_000) {
      log(`catalog: ${JSON.stringify(counts)}`);
      lastLog = Date.now();
    }
    await sleep(2000);
  }
  const catalogDoneAt = Date.now();
  log(
    `catalog: ${JSON.stringify(counts)} ${(
      (catalogDoneAt - readyAt) /
      1000
    ).toFixed(1)} s after ready`,
  );

  // ---- reads before any delivery history ----
  phase = 'before';
  log(`reads before ingest: ${reads.length} kinds × ${readsPerKind}`);
  await readRounds(readsPerKind);

  // ---- a year of delivery history, with reads going on ----
  phase = 'during';
  const year = () => {
    const batches = deliveryHistory(org, {
      end: historyEnd,
      days: HISTORY_DAYS,
      seed,
    });
    return batchBy === 'department' ? byDepartment(org, batches) : batches;
  };
  const history = year();
  // The size of the whole year, for the table (generated again; cheap).
  for (const b of year()) {
    historyTotal.batches += 1;
    historyTotal.events += b.events.length;
  }
  log(
    `ingest: ${fmtInt(historyTotal.events)} events in ${fmtInt(
      historyTotal.batches,
    )} batches, ${senders} senders, ${readLoad()}, at most ${
      ingestMs / 60_000
    } min`,
  );
  ingest.startedAt = Date.now();
  const deadline = ingest.startedAt + ingestMs;
  let ingesting = true;
  const progress = (async () => {
    while (ingesting) {
      await sleep(30_000);
      if (!ingesting) break;
      const s = (Date.now() - ingest.startedAt) / 1000;
      log(
        `ingest: day ${ingest.lastDay + 1}/${HISTORY_DAYS}, ${fmtInt(
          ingest.events,
        )} events, ${fmtInt(ingest.events / s)} events/s, ${
          ingest.failedBatches
        } failed batches, RSS ${fmtInt((replica?.rssKb() ?? 0) / 1024)} MiB`,
      );
    }
  })();
  const readLoops = Array.from({ length: readers }, async (_, r) => {
    let i = r * Math.floor(reads.length / Math.max(1, readers));
    while (ingesting) {
      await timedRead(reads[i++ % reads.length]);
      ingest.reads += 1;
    }
  });
  // Or reads at a fixed rate, whether or not earlier ones have answered:
  // the load stays the same however fast the backend answers.
  if (readRate > 0) {
    readLoops.push(
      (async () => {
        const inFlight = new Set();
        const start = performance.now();
        for (let i = 0; ingesting; i++) {
          const dueAt = start + (i * 1000) / readRate;
          const wait = dueAt - performance.now();
          if (wait > 0) await sleep(wait);
          if (!ingesting) break;
          const read = timedRead(reads[i % reads.length], dueAt).then(() => {
            ingest.reads += 1;
            inFlight.delete(read);
          });
          inFlight.add(read);
        }
        await Promise.all(inFlight);
      })(),
    );
  }
  await Promise.all(
    Array.from({ length: senders }, () => sendHistory(history, deadline)),
  );
  ingest.endedAt = Date.now();
  ingesting = false;
  await Promise.all(readLoops);
  await progress;
  log(
    `ingest ${
      ingest.complete ? 'complete' : 'stopped at the time limit'
    }: ${fmtInt(ingest.events)} events in ${(
      (ingest.endedAt - ingest.startedAt) /
      1000
    ).toFixed(0)} s`,
  );

  // ---- reads after ----
  phase = 'after';
  log(`reads after ingest: ${reads.length} kinds × ${readsPerKind}`);
  await readRounds(readsPerKind);
  const componentMetrics = await call(
    'GET /api/dora/metrics (component)',
    `/api/dora/metrics?entityRef=${q(ref.component)}&${doraWindow}`,
  );
  const organisationMetrics = await call(
    'GET /api/dora/metrics (no entityRef)',
    `/api/dora/metrics?${doraWindow}`,
  );
  // How long after the last batch every component's analysis is current
  // (the organisation read reports none pending), at most 10 minutes.
  /** @type {number | undefined} */
  let analysisCurrentAfter;
  /** The organisation read that found every analysis current: a cold sum. */
  /** @type {{ ms: number, deployments: number } | undefined} */
  let currentRead;
  for (let i = 0; Date.now() - ingest.endedAt < 10 * 60_000; i++) {
    const answer = await call(
      'GET /api/dora/metrics (no entityRef)',
      `/api/dora/metrics?${doraWindow}`,
    );
    if (answer.ok && answer.body?.analysisPending === 0) {
      analysisCurrentAfter = Date.now() - ingest.endedAt;
      currentRead = {
        ms: answer.ms,
        deployments: answer.body.deploymentFrequency?.deployments,
      };
      break;
    }
    await sleep(2000);
  }
  // The same reads once every analysis is current: what a year of history
  // costs to sum.
  if (analysisCurrentAfter !== undefined) {
    phase = 'analysed';
    log(`reads after analysis: ${reads.length} kinds × ${readsPerKind}`);
    await readRounds(readsPerKind);
  }
  const endedAt = Date.now();
  sampling = false;
  await rssSampler;
  await connectionSampler;
  await machineSampler;
  await serverSampler;
  const dead = await deadRows().catch(() => []);
  const read = await blocksRead().catch(() => []);

  // ---- the table ----
  const lines = [];
  const table = (
    /** @type {string[]} */ header,
    /** @type {string[][]} */ rows,
  ) => {
    lines.push(`| ${header.join(' | ')} |`);
    lines.push(`| ${header.map(() => '---').join(' | ')} |`);
    for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
    lines.push('');
  };
  const ingestSeconds = (ingest.endedAt - ingest.startedAt) / 1000;
  lines.push(
    `Scale ${scale} (seed ${seed}): ${Object.entries(expected)
      .map(([k, n]) => `${fmtInt(n)} ${k}s`)
      .join(', ')}; ${
      os.cpus().length
    } cores; PostgreSQL ${pgVersion} (autovacuum ${autovacuum}); one replica of the built backend (bundle built ${bundleBuilt}, HEAD ${head}), production configuration, NODE_OPTIONS \`${
      replica?.options.env.NODE_OPTIONS
    }\`; run ${((endedAt - startedAt) / 60_000).toFixed(1)} min.`,
    '',
  );
  table(
    ['catalog', 'value'],
    [
      [
        'backend start to ready',
        `${((readyAt - spawnedAt) / 1000).toFixed(1)} s`,
      ],
      ...Object.keys(expected).map(kind => [
        `${kind}s all served (after ready)`,
        kind in completeAt
          ? `${((completeAt[kind] - readyAt) / 1000).toFixed(1)} s`
          : `not all: ${counts[kind]} of ${
              expected[/** @type {keyof typeof expected} */ (kind)]
            }`,
      ]),
      [
        'whole organisation ingested (after ready)',
        Object.keys(completeAt).length === Object.keys(expected).length
          ? `${((catalogDoneAt - readyAt) / 1000).toFixed(1)} s`
          : 'incomplete',
      ],
    ],
  );
  table(
    [
      'read (p50 / p95)',
      `before (${readsPerKind})`,
      'during ingest (n, max)',
      'after: first',
      `after (${readsPerKind})`,
      `analysed (${readsPerKind})`,
      'non-2xx',
    ],
    reads.map(read => {
      const times = readTimes.get(read.kind) ?? {
        before: [],
        during: [],
        after: [],
        analysed: [],
      };
      const failed = [...failures.values()]
        .filter(f => f.route === read.route)
        .reduce((sum, f) => sum + f.count, 0);
      return [
        read.kind,
        p50p95(times.before),
        times.during.length
          ? `${p50p95(times.during)} (${times.during.length}, ${fmtMs(
              Math.max(...times.during),
            )})`
          : 'no 2xx',
        fmtMs(firstAfter.get(read.kind) ?? NaN),
        p50p95(times.after),
        times.analysed.length ? p50p95(times.analysed) : 'not current',
        failed ? `**${failed}**` : '0',
      ];
    }),
  );
  const yearShare = ingest.complete ? 1 : (ingest.lastDay + 1) / HISTORY_DAYS;
  table(
    ['DORA ingest', 'value'],
    [
      [
        'history sent',
        `${fmtInt(ingest.events + ingest.failedEvents)} of ${fmtInt(
          historyTotal.events,
        )} events (${
          ingest.complete
            ? 'the whole year'
            : `${Math.round(yearShare * 100)} % of the year: the ${
                ingestMs / 60_000
              }-minute limit`
        }), ${fmtInt(ingest.batches)} batches of ~${fmtInt(
          historyTotal.events / Math.max(1, historyTotal.batches),
        )} events (one per ${batchBy} and day), ${senders} senders`,
      ],
      [
        'stored (accepted / unchanged)',
        `${fmtInt(ingest.accepted)} / ${fmtInt(ingest.unchanged)}`,
      ],
      [
        'failed batches (events)',
        `${ingest.failedBatches} (${fmtInt(ingest.failedEvents)})`,
      ],
      [
        'reads while it ran',
        `${readLoad()}: ${fmtInt(ingest.reads)} reads, ${(
          ingest.reads / ingestSeconds
        ).toFixed(1)} a second`,
      ],
      ['events/s over the run', fmtInt(ingest.events / ingestSeconds)],
      [
        'events/s per tenth of the year',
        ingest.tenths
          .map((t, i) =>
            t.events && t.last > t.first
              ? `${i + 1}: ${fmtInt(t.events / ((t.last - t.first) / 1000))}`
              : `${i + 1}: –`,
          )
          .join(', '),
      ],
      [
        'the machine per tenth: CPU time of a fixed piece of work / a disk sync, median (below)',
        ingest.tenths
          .map((t, i) => {
            const during = machineSamples.filter(
              m => m.t >= t.first && m.t <= t.last,
            );
            return `${i + 1}: ${
              during.length
                ? `${fmtWork(
                    percentile(
                      during.map(m => m.ms),
                      0.5,
                    ),
                  )} / ${fmtWork(
                    percentile(
                      during.map(m => m.syncMs),
                      0.5,
                    ),
                  )}`
                : '–'
            }`;
          })
          .join(', '),
      ],
      [
        'PostgreSQL per tenth, per 1,000 events: WAL, full-page images, blocks read; checkpoints',
        ingest.tenths.map((t, i) => `${i + 1}: ${serverDuring(t)}`).join('; '),
      ],
      [
        'batch p50 / p95 per tenth',
        ingest.tenths
          .map(
            (t, i) => `${i + 1}: ${t.batchMs.length ? p50p95(t.batchMs) : '–'}`,
          )
          .join(', '),
      ],
      ['unattributed services', String(ingest.unattributed.size)],
      [
        'most components pending analysis in a DORA read (during / after)',
        reads
          .filter(r => r.kind.startsWith('DORA'))
          .map(
            r =>
              `${r.kind.replace('DORA metrics: ', '')}: ${
                pendingMax.get(`${r.kind}|during`) ?? '–'
              } / ${pendingMax.get(`${r.kind}|after`) ?? '–'}`,
          )
          .join(', '),
      ],
      [
        'analysis current (organisation read: none pending)',
        analysisCurrentAfter === undefined
          ? 'not within 10 min of the last batch'
          : `${(analysisCurrentAfter / 1000).toFixed(
              1,
            )} s after the last batch (after the reads above)`,
      ],
      [
        'the organisation read that found it current (its year summed anew)',
        currentRead
          ? `${fmtMs(currentRead.ms)}, ${fmtInt(
              currentRead.deployments,
            )} deployments in the window`
          : '–',
      ],
      [
        'DORA deployments after (component / organisation, window)',
        `${
          componentMetrics.body?.deploymentFrequency?.deployments ??
          componentMetrics.status
        } / ${
          organisationMetrics.body?.deploymentFrequency?.deployments ??
          organisationMetrics.status
        }`,
      ],
    ],
  );
  /** @param {string} p */
  const rssOf = p =>
    rssSamples.filter(s => s.phase === p).map(s => s.kb / 1024);
  table(
    ['backend RSS (VmRSS, every 2 s)', 'median', 'max'],
    ['catalog', 'before', 'during', 'after', 'analysed'].map(p => {
      const mib = rssOf(p);
      return [
        {
          catalog: 'catalog ingest',
          analysed: 'every analysis current',
        }[p] ?? `${p} history ingest`,
        mib.length ? `${fmtInt(percentile(mib, 0.5))} MiB` : '–',
        mib.length ? `${fmtInt(Math.max(...mib))} MiB` : '–',
      ];
    }),
  );
  table(
    [
      'the machine (every 5 s)',
      'CPU time of hashing 16 MiB, median / max',
      'writing 8 KiB and fdatasync, median / p95',
    ],
    ['catalog', 'before', 'during', 'after', 'analysed'].map(p => {
      const samples = machineSamples.filter(s => s.phase === p);
      const ms = samples.map(s => s.ms);
      const syncMs = samples.map(s => s.syncMs);
      return [
        {
          catalog: 'catalog ingest',
          analysed: 'every analysis current',
        }[p] ?? `${p} history ingest`,
        ms.length
          ? `${fmtWork(percentile(ms, 0.5))} / ${fmtWork(Math.max(...ms))}`
          : '–',
        syncMs.length
          ? `${fmtWork(percentile(syncMs, 0.5))} / ${fmtWork(
              percentile(syncMs, 0.95),
            )}`
          : '–',
      ];
    }),
  );
  table(
    [
      `the tables with the most dead rows at the end (autovacuum ${autovacuum})`,
      'live rows',
      'dead rows',
      'size',
    ],
    dead.map(row => [
      row.table,
      fmtInt(Number(row.live)),
      fmtInt(Number(row.dead)),
      `${fmtInt(Number(row.bytes) / 1024 / 1024)} MiB`,
    ]),
  );
  table(
    [
      'the tables read most from outside the shared buffers (blocks, 8 KiB)',
      'table read / hit',
      'indexes read / hit',
      'size',
    ],
    read.map(row => [
      row.table,
      `${fmtInt(Number(row.heap_read))} / ${fmtInt(Number(row.heap_hit))}`,
      `${fmtInt(Number(row.idx_read ?? 0))} / ${fmtInt(
        Number(row.idx_hit ?? 0),
      )}`,
      `${fmtInt(Number(row.bytes) / 1024 / 1024)} MiB`,
    ]),
  );
  lines.push(
    `PostgreSQL connections (sampled every 5 s): the backend's peak ${connections.backendPeak}; the server's peak ${connections.serverPeak} of max_connections ${connections.max}.`,
    '',
  );
  if (failures.size === 0) lines.push('Non-2xx answers: none.', '');
  else
    table(
      ['non-2xx: route', 'phase', 'status', 'count', 'first answer'],
      [...failures.values()]
        .sort((a, b) => b.count - a.count)
        .map(f => [
          f.route,
          f.phase,
          f.status === 0 ? 'no answer' : String(f.status),
          String(f.count),
          f.message.replace(/\|/g, '\\|'),
        ]),
    );
  const backendLog = summariseLog(replica.logFile);
  lines.push(
    `Backend log: ${fmtInt(backendLog.lines)} lines (${fmtInt(
      backendLog.warnings.reduce((sum, [, n]) => sum + n, 0),
    )} warn or error), ${fmtInt(replica.logBytes() / 1024)} KiB over ${(
      (endedAt - spawnedAt) /
      60_000
    ).toFixed(1)} min.`,
    '',
  );
  table(
    [
      'the backend calling its own catalog (requests)',
      'count',
      'per DORA batch',
    ],
    backendLog.ownCatalogCalls
      .slice(0, 6)
      .map(([route, n]) => [
        route,
        fmtInt(n),
        (n / Math.max(1, ingest.batches)).toFixed(1),
      ]),
  );
  const passes = backendLog.scorecardPasses;
  const lastPass = passes[passes.length - 1];
  table(
    ['scorecard evaluations (every component, from the log)', 'value'],
    lastPass
      ? [
          ['passes', fmtInt(passes.length)],
          ['components in the last pass', fmtInt(lastPass.components)],
          [
            'pass time, first / longest / last',
            [passes[0].ms, Math.max(...passes.map(p => p.ms)), lastPass.ms]
              .map(ms => fmtMs(ms))
              .join(' / '),
          ],
        ]
      : [['passes', '0']],
  );
  table(
    ['warn or error lines (numbers as N)', 'count'],
    backendLog.warnings
      .slice(0, 8)
      .map(([message, n]) => [message.replace(/\|/g, '\\|'), fmtInt(n)]),
  );
  const output = lines.join('\n');
  console.log(`\n${output}`);
  fs.writeFileSync(path.join(workDir, 'result.md'), `${output}\n`);
}

let exitCode = 0;
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}
/** Runs the benchmark, cleans up and exits with its code. */
async function run() {
  try {
    await main();
  } catch (error) {
    console.error(error);
    exitCode = 1;
  } finally {
    await cleanUp();
  }
  if (workDir) {
    if (args.keep || exitCode !== 0) {
      log(`kept ${workDir}`);
    } else {
      const result = path.join(workDir, 'result.md');
      const kept = path.join(
        os.tmpdir(),
        `paved-scale-result-${process.pid}.md`,
      );
      const keptLog = path.join(
        os.tmpdir(),
        `paved-scale-backend-${process.pid}.log`,
      );
      if (fs.existsSync(result)) fs.copyFileSync(result, kept);
      if (replica && fs.existsSync(replica.logFile)) {
        fs.copyFileSync(replica.logFile, keptLog);
      }
      fs.rmSync(workDir, { recursive: true, force: true });
      log(`table also in ${kept}, the backend's log in ${keptLog}`);
    }
  }
  process.exit(exitCode);
}

run();
