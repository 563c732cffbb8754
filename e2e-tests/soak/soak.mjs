// @ts-check
/*
 * The soak and fault suite (`./paved soak`): three replicas of the built
 * backend with the production configuration, on one PostgreSQL database and
 * one Redis, behind a local round-robin proxy; several clients send DORA
 * event batches (each batch twice, to two different replicas), upload a
 * FOCUS billing file and read metrics and cost while faults are injected at
 * scheduled times. At the end it checks the pass criteria and prints them
 * as a table; it exits 1 when one fails.
 *
 *   node e2e-tests/soak/soak.mjs [--minutes N] [--short] [--keep]
 *
 * --minutes N  the length of the load phase (default 8); start-up and the
 *              checks add about two minutes
 * --short      a 60-second load phase with every fault, shorter (what
 *              ./paved test runs)
 * --keep       keep the working directory (replica logs) after a pass
 *
 * Needs `yarn build:backend` (packages/backend/dist/bundle.tar.gz), the
 * PostgreSQL server PAVED_PG_URL names (default 127.0.0.1:5432, user
 * postgres) and redis-server on PATH; ./paved soak provides all three.
 * Uses ports 7200 (proxy) and 7201-7203 (replicas), and a Redis of its own
 * on a free port, never the machine's.
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startProxy } from './proxy.mjs';
import { startStandIns } from './standins.mjs';
import {
  Replica,
  SoakRedis,
  bundle,
  freePort,
  pgQuery,
  portInUse,
  productionEnv,
  repoRoot,
  sleep,
  unpackBundle,
} from './replicas.mjs';

const require = createRequire(path.join(repoRoot, 'package.json'));
/** @type {typeof import('yaml')} */
const YAML = require('yaml');

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '8' },
    short: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const loadMs = args.short ? 60_000 : Number(args.minutes) * 60_000;
if (!(loadMs > 0)) {
  console.error('--minutes must be a positive number');
  process.exit(2);
}

const PROXY_PORT = 7200;
const REPLICA_PORTS = [7201, 7202, 7203];
/** How long after a fault ends a replica must answer again. */
const RECOVERY_BOUND_S = 30;
/**
 * A 5xx from a replica counts as part of a fault from the fault's start
 * until this long after that replica recovered from it (or, unmeasured,
 * after the fault's end plus the recovery bound).
 */
const FAULT_MARGIN_MS = 5000;
/** RSS is judged on load phases at least this long (start-up warms up). */
const RSS_MIN_LOAD_MS = 4 * 60_000;
/** RSS: the last quarter's median at most this times the second quarter's. */
const RSS_GROWTH_BOUND = 1.3;
const SENDERS = 4;
const READERS = 3;
const BATCH_DEPLOYMENTS = 20;
/**
 * Each sender's pause between batches: about 50 deployments a second in
 * all, some 20,000 in an 8-minute run (the volume issue 16 was found with).
 */
const SEND_PAUSE_MS = 1500;
const COMPONENT = 'component:default/paved';

const runId = randomBytes(3).toString('hex');
const database = `paved_soak_${process.pid}`;
const tokens = {
  ci: randomBytes(24).toString('base64url'),
  billing: randomBytes(24).toString('base64url'),
  observer: randomBytes(24).toString('base64url'),
};

const startedAt = Date.now();
/** @param {string} message */
const log = message =>
  console.log(
    `[soak ${((Date.now() - startedAt) / 1000)
      .toFixed(0)
      .padStart(4)} s] ${message}`,
  );

// ---- the run's state ------------------------------------------------------

/**
 * A fault: from start to end (set when the fault is over: the replica
 * restarted, Redis answering again), and how many seconds after the end
 * each replica answered again (or why it did not).
 * @typedef {{ name: string, start: number, end?: number,
 *   recovery: Map<number, number | string>,
 *   slowCause: Map<number, string>,
 *   recovered?: (replica: Replica) => Promise<string | undefined>,
 *   observed?: string }} Fault
 */
/** @type {Fault[]} */
const faults = [];

/**
 * Every attempt a client made: when it was sent and answered, its status
 * (0: no answer, the connection failed) and the replica that answered.
 * @typedef {{ kind: string, sent: number, answered: number, status: number,
 *   replica: string, retryAfter?: string, message?: string }} Attempt
 */
/** @type {Attempt[]} */
const attempts = [];

/**
 * Every logical request and how it ended after its retries.
 * @typedef {{ kind: string, ok: boolean, status: number, tries: number }} Outcome
 */
/** @type {Outcome[]} */
const outcomes = [];

/** Deployment and change ids of every batch some replica stored (200). */
const sentDeployments = new Set();
/**
 * The successful ones: a deployment that failed delivered nothing, so the
 * metrics and their drill-down (GET /deployments) leave it out.
 */
const sentSuccessful = new Set();
const sentChanges = new Set();
/** Batches no copy of which was answered 200 after every retry. */
const unconfirmedBatches = [];
const ingestTotals = { accepted: 0, unchanged: 0, pairs: 0, splitPairs: 0 };
const focusImports = { ok: 0, failed: 0, stored: new Set() };

/**
 * @type {{ replica: number, generation: number, t: number, kb: number,
 *   deployments: number }[]}
 */
const rssSamples = [];

// ---- the HTTP client every load generator uses -----------------------------

/**
 * The message of a Backstage error body, shortened, to tell 5xx apart.
 * @param {unknown} body
 */
function errorMessage(body) {
  const message =
    body && typeof body === 'object' && 'error' in body
      ? String(
          /** @type {{ error: { message?: unknown } }} */ (body).error.message,
        )
      : String(body);
  return message.length > 90 ? `${message.slice(0, 90)}…` : message;
}

const MAX_TRIES = 12;
const RETRY_DEADLINE_MS = 90_000;

/**
 * A request through the proxy, retried as a well-behaved client does: on
 * 502, 503, 504 or a cut connection, after `Retry-After` when the answer
 * gives one (at most 10 s), else with a doubling back-off; at most 12 tries
 * within 90 s. Other answers are final.
 * @param {string} kind
 * @param {string} urlPath
 * @param {{ method?: string, token: string, body?: string | Buffer,
 *   headers?: Record<string, string>, prefer?: number, base?: string }} options
 */
async function call(kind, urlPath, options) {
  const deadline = Date.now() + RETRY_DEADLINE_MS;
  const base = options.base ?? `http://127.0.0.1:${PROXY_PORT}`;
  let last = {
    status: 0,
    body: /** @type {unknown} */ (undefined),
    replica: '',
  };
  let tries = 0;
  for (; tries < MAX_TRIES && Date.now() < deadline; ) {
    tries += 1;
    const sent = Date.now();
    /** @type {string | undefined} */
    let retryAfter;
    try {
      const res = await fetch(`${base}${urlPath}`, {
        method: options.method ?? 'GET',
        headers: {
          authorization: `Bearer ${options.token}`,
          ...(options.prefer !== undefined
            ? { 'x-soak-prefer': String(options.prefer) }
            : {}),
          ...options.headers,
        },
        body: options.body,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      retryAfter = res.headers.get('retry-after') ?? undefined;
      last = {
        status: res.status,
        body,
        replica: res.headers.get('x-soak-replica') ?? 'direct',
      };
    } catch (error) {
      last = { status: 0, body: String(error), replica: '?' };
    }
    attempts.push({
      kind,
      sent,
      answered: Date.now(),
      status: last.status,
      replica: last.replica,
      retryAfter,
      message: last.status >= 500 ? errorMessage(last.body) : undefined,
    });
    const retryable = last.status === 0 || last.status >= 500;
    if (!retryable) break;
    const wait =
      retryAfter !== undefined && Number.isFinite(Number(retryAfter))
        ? Math.min(Number(retryAfter) * 1000, 10_000)
        : Math.min(4000, 250 * 2 ** (tries - 1));
    await sleep(wait);
  }
  const ok = last.status >= 200 && last.status < 300;
  outcomes.push({ kind, ok, status: last.status, tries });
  return { ...last, ok, tries };
}

// ---- load -----------------------------------------------------------------

let loading = true;
/** The window every read asks for (explicit, so replicas compare exactly). */
const windowTo = new Date(
  Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000,
);
const windowFrom = new Date(windowTo.getTime() - 30 * 86_400_000);
const doraWindow = `from=${encodeURIComponent(
  windowFrom.toISOString(),
)}&to=${encodeURIComponent(windowTo.toISOString())}`;
// The demo FOCUS file covers the 120 days up to 2026-11-26.
const costWindow = 'from=2026-08-01&to=2026-11-27';

let nextDeployment = 0;
/** When the load phase began; times in the table count from it. */
let loadStartedAt = Date.now();

/** One batch: deployments of the portal's own component and their commits. */
function nextBatch() {
  const events = [];
  const deploymentIds = [];
  const successfulIds = [];
  const changeIds = [];
  for (let i = 0; i < BATCH_DEPLOYMENTS; i++) {
    const n = nextDeployment++;
    // Deployments 20 s apart, going back from the window's end.
    const started = new Date(windowTo.getTime() - 7_200_000 - n * 20_000);
    const finished = new Date(started.getTime() + 240_000);
    const authored = new Date(
      started.getTime() - 3 * 3_600_000 - (n % 50) * 60_000,
    );
    const sha = `${runId}${n.toString(16).padStart(10, '0')}`;
    const deploymentId = `soak-${runId}-d${n}`;
    const failed = n % 10 === 9;
    const changeId = `soak-${runId}-c${n}`;
    events.push({
      type: 'change',
      id: changeId,
      service: 'paved',
      sha,
      authoredAt: authored.toISOString(),
    });
    events.push({
      type: 'deployment',
      id: deploymentId,
      service: 'paved',
      environment: 'production',
      // Every tenth fails, which the metrics leave out.
      status: failed ? 'failure' : 'success',
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      commitSha: sha,
      commits: [sha],
    });
    deploymentIds.push(deploymentId);
    if (!failed) successfulIds.push(deploymentId);
    changeIds.push(changeId);
  }
  return {
    body: JSON.stringify({ events }),
    deploymentIds,
    successfulIds,
    changeIds,
  };
}

/** @param {number} sender */
async function sendBatches(sender) {
  let round = 0;
  while (loading) {
    const batch = nextBatch();
    const first = (sender + round++) % REPLICA_PORTS.length;
    const second = (first + 1) % REPLICA_PORTS.length;
    const send = (/** @type {number} */ prefer) =>
      call('DORA event batch', '/api/dora/events', {
        method: 'POST',
        token: tokens.ci,
        headers: { 'content-type': 'application/json' },
        body: batch.body,
        prefer,
      });
    // The same batch at two replicas at once: the race issue 16 part 3 fixed.
    const answers = await Promise.all([send(first), send(second)]);
    ingestTotals.pairs += 1;
    if (answers[0].replica !== answers[1].replica) ingestTotals.splitPairs += 1;
    if (answers.some(a => a.ok)) {
      batch.deploymentIds.forEach(id => sentDeployments.add(id));
      batch.successfulIds.forEach(id => sentSuccessful.add(id));
      batch.changeIds.forEach(id => sentChanges.add(id));
    } else {
      unconfirmedBatches.push(batch.deploymentIds[0]);
    }
    for (const a of answers) {
      if (a.ok && a.body && typeof a.body === 'object') {
        const result = /** @type {{ accepted: number, unchanged: number }} */ (
          a.body
        );
        ingestTotals.accepted += result.accepted;
        ingestTotals.unchanged += result.unchanged;
      }
    }
    await sleep(SEND_PAUSE_MS);
  }
}

const reads = [
  {
    kind: 'DORA metrics (component)',
    path: `/api/dora/metrics?entityRef=${encodeURIComponent(
      COMPONENT,
    )}&${doraWindow}`,
  },
  {
    kind: 'DORA metrics (organisation)',
    path: `/api/dora/metrics?${doraWindow}`,
  },
  {
    kind: 'cost (component)',
    path: `/api/cost/entity?entityRef=${encodeURIComponent(
      COMPONENT,
    )}&${costWindow}`,
  },
  { kind: 'cost (organisation)', path: `/api/cost/entity?${costWindow}` },
  {
    kind: 'Kubernetes status (component)',
    path: `/api/kube-status/entity?entityRef=${encodeURIComponent(COMPONENT)}`,
  },
];

/** @param {number} reader */
async function readLoop(reader) {
  let i = reader;
  while (loading) {
    const read = reads[i++ % reads.length];
    await call(read.kind, read.path, { token: tokens.observer });
    await sleep(300);
  }
}

const focusFile = fs.readFileSync(
  path.join(repoRoot, 'examples/focus/fernhill-cloud.focus.csv.gz'),
);

async function importFocus() {
  while (loading) {
    const answer = await call(
      'FOCUS import',
      '/api/cost/focus/imports?name=soak-fernhill&fileName=fernhill-cloud.focus.csv.gz',
      {
        method: 'POST',
        token: tokens.billing,
        headers: { 'content-type': 'text/csv', 'content-encoding': 'gzip' },
        body: focusFile,
      },
    );
    if (answer.ok) {
      focusImports.ok += 1;
      focusImports.stored.add(
        /** @type {{ stored: number }} */ (answer.body).stored,
      );
    } else {
      focusImports.failed += 1;
    }
    for (let waited = 0; loading && waited < 20_000; waited += 500) {
      await sleep(500);
    }
  }
}

// ---- faults ---------------------------------------------------------------

/** @type {Replica[]} */
let replicas = [];
/** @type {SoakRedis} */
let redis;

/**
 * After a fault ends, polls each replica directly until its readiness
 * answers 200 and a DORA read succeeds; records the seconds it took.
 * @param {Fault} fault
 */
async function measureRecovery(fault) {
  const end = fault.end ?? Date.now();
  await Promise.all(
    replicas.map(async replica => {
      let lastAnswer = 'not ready';
      while (Date.now() - end < 120_000) {
        if (replica.running && (await replica.ready())) {
          try {
            const res = await fetch(
              `${replica.url}/api/dora/metrics?${doraWindow}`,
              {
                headers: { authorization: `Bearer ${tokens.observer}` },
                // As long as the load's clients wait: a DORA read under
                // constant ingest can take tens of seconds.
                signal: AbortSignal.timeout(30_000),
              },
            );
            const text = await res.text();
            const upstream =
              res.ok && fault.recovered
                ? await fault.recovered(replica)
                : undefined;
            if (upstream) lastAnswer = upstream;
            if (res.ok && !upstream) {
              const seconds = Math.max(0, (Date.now() - end) / 1000);
              fault.recovery.set(replica.index, seconds);
              if (seconds > RECOVERY_BOUND_S) {
                fault.slowCause.set(replica.index, lastAnswer);
              }
              return;
            }
            if (res.ok) {
              await sleep(500);
              continue;
            }
            let body;
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
            lastAnswer = `read answered ${res.status} "${errorMessage(body)}"`;
          } catch (error) {
            lastAnswer = `read failed: ${error}`;
          }
        }
        await sleep(500);
      }
      fault.recovery.set(replica.index, 'not in 120 s');
      fault.slowCause.set(replica.index, lastAnswer);
    }),
  );
}

/**
 * @param {string} name
 * @param {Fault['recovered']} [recovered] for a fault upstream: what still
 *   shows it on a replica (undefined once the replica has recovered)
 */
function beginFault(name, recovered) {
  /** @type {Fault} */
  const fault = {
    name,
    start: Date.now(),
    recovery: new Map(),
    slowCause: new Map(),
    recovered,
  };
  faults.push(fault);
  log(`fault: ${name}`);
  return fault;
}

/** @param {Fault} fault */
function endFault(fault) {
  fault.end = Date.now();
  log(`fault over: ${fault.name}`);
  return measureRecovery(fault);
}

async function killAndRestartReplica() {
  const victim = replicas[1];
  const fault = beginFault(
    `replica ${victim.index} killed (SIGKILL) and restarted`,
  );
  await victim.kill();
  await sleep(3000);
  victim.start();
  // The fault is over when the replacement process runs, as when a
  // Deployment's controller replaces a dead pod; its start-up counts
  // towards its recovery.
  return endFault(fault);
}

async function terminateDatabaseConnections() {
  const fault = beginFault("database connections terminated (every replica's)");
  const rows = await pgQuery(
    `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
     WHERE datname = $1 AND pid <> pg_backend_pid()`,
    [database],
  );
  log(`terminated ${rows.length} database connections`);
  return endFault(fault);
}

async function stopAndStartRedis() {
  const fault = beginFault('Redis stopped and started');
  await redis.stop();
  await sleep(args.short ? 5000 : 20_000);
  await redis.start();
  return endFault(fault);
}

// ---- faults upstream: the stand-ins of Kubernetes, OpenCost and GitHub ----

/** @type {Awaited<ReturnType<typeof startStandIns>>} */
let standIns;
/** How long each upstream fault lasts (each of its phases). */
const upstreamPhaseMs = () => (args.short ? 5000 : 20_000);

/**
 * A replica's answer to a read, or why there is none.
 * @param {Replica} replica
 * @param {string} urlPath
 */
async function readDirect(replica, urlPath) {
  try {
    const res = await fetch(`${replica.url}${urlPath}`, {
      headers: { authorization: `Bearer ${tokens.observer}` },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return res.ok
      ? { ok: true, body: JSON.parse(text) }
      : { ok: false, why: `${urlPath} answered ${res.status}` };
  } catch (error) {
    return { ok: false, why: `${urlPath} failed: ${error}` };
  }
}

/**
 * What a replica's Kubernetes status says of the clusters that is not
 * "synced" (undefined when every cluster is).
 * @param {Replica} replica
 */
async function clustersNotSynced(replica) {
  const answer = await readDirect(
    replica,
    `/api/kube-status/entity?entityRef=${encodeURIComponent(COMPONENT)}`,
  );
  if (!answer.ok) return answer.why;
  /** @type {{ cluster: string, state: string }[]} */
  const clusters = answer.body.clusters ?? [];
  const unsynced = clusters.filter(c => c.state !== 'synced');
  return unsynced.length || clusters.length === 0
    ? `clusters ${
        clusters.map(c => `${c.cluster} ${c.state}`).join(', ') || 'none'
      }`
    : undefined;
}

async function kubernetesFault() {
  const fault = beginFault(
    'Kubernetes API servers dropping every watch, then answering 500',
    clustersNotSynced,
  );
  await standIns.setFault('kubernetes', { kind: 'drop-watches' });
  await standIns.setFault('kubernetes', { kind: 'error', status: 500 });
  await sleep(upstreamPhaseMs());
  fault.observed = `during it, replica 0 said: ${
    (await clustersNotSynced(replicas[0])) ?? 'every cluster synced'
  }`;
  await standIns.setFault('kubernetes', undefined);
  return endFault(fault);
}

/**
 * Whether every OpenCost source has been pulled since `since`, as a
 * replica's cost sources say (undefined when so).
 * @param {number} since
 */
const openCostPulledSince = since => async (/** @type {Replica} */ replica) => {
  const answer = await readDirect(replica, '/api/cost/sources');
  if (!answer.ok) return answer.why;
  /** @type {{ source: string, lastImportAt?: string }[]} */
  const sources = answer.body.filter((/** @type {{ source: string }} */ s) =>
    s.source.startsWith('opencost:'),
  );
  const stale = sources.filter(
    s => !s.lastImportAt || Date.parse(s.lastImportAt) < since,
  );
  return stale.length || sources.length === 0
    ? `OpenCost last pulled: ${
        sources
          .map(s => `${s.source} ${s.lastImportAt ?? 'never'}`)
          .join(', ') || 'no source'
      }`
    : undefined;
};

async function openCostFault() {
  /** @type {Fault} */
  const fault = beginFault('OpenCost answering 500, then timing out', replica =>
    openCostPulledSince(fault.end ?? Date.now())(replica),
  );
  await standIns.setFault('opencost', { kind: 'error', status: 500 });
  await sleep(upstreamPhaseMs());
  await standIns.setFault('opencost', { kind: 'timeout' });
  await sleep(upstreamPhaseMs());
  await standIns.setFault('opencost', undefined);
  return endFault(fault);
}

async function githubFault() {
  const fault = beginFault('GitHub answering 502, then rate-limited');
  await standIns.setFault('github', { kind: 'error', status: 502 });
  await sleep(upstreamPhaseMs());
  const resetInSeconds = upstreamPhaseMs() / 1000;
  // GitHub's primary rate limit: 403 until its reset, then it lifts.
  await standIns.setFault('github', { kind: 'rate-limit', resetInSeconds });
  await sleep(resetInSeconds * 1000 + 1000);
  await standIns.setFault('github', undefined);
  return endFault(fault);
}

/** @type {number[]} */
const connectionSamples = [];
/** When the most connections were held, and by which plugins' pools. */
let peakConnections = { t: 0, byPool: '' };
let maxConnections = '?';

/**
 * Samples every replica's RSS, and the connections the replicas hold to
 * the soak's database, every 2 s while `sampling`.
 */
let sampling = true;
async function sampleRss() {
  while (sampling) {
    pgQuery(
      `SELECT application_name AS name, count(*)::int AS n
       FROM pg_stat_activity WHERE datname = $1 GROUP BY 1`,
      [database],
    )
      .then(rows => {
        const n = rows.reduce((sum, row) => sum + row.n, 0);
        connectionSamples.push(n);
        if (n >= Math.max(0, ...connectionSamples)) {
          peakConnections = {
            t: Date.now(),
            byPool: rows
              .sort((a, b) => b.n - a.n)
              .map(row => `${row.name || '(unnamed)'} ${row.n}`)
              .join(', '),
          };
        }
      })
      .catch(() => undefined);
    for (const replica of replicas) {
      const kb = replica.rssKb();
      if (kb !== undefined) {
        rssSamples.push({
          replica: replica.index,
          generation: replica.generation,
          t: Date.now(),
          kb,
          deployments: sentDeployments.size,
        });
      }
    }
    await sleep(2000);
  }
}

// ---- checks ---------------------------------------------------------------

/**
 * @typedef {{ criterion: string, result: 'PASS' | 'FAIL' | 'INFO' | 'NOT INJECTED',
 *   detail: string }} Row
 */
/** @type {Row[]} */
const table = [];

/**
 * The fault an attempt's 5xx belongs to: it was answered after the fault
 * began and sent before the replica that answered it (every replica, for a
 * 502 of the proxy's own) recovered from it, plus a margin.
 * @param {Attempt} a
 */
function faultOf(a) {
  return faults.find(f => {
    const end = f.end ?? Date.now();
    const recovered = (/** @type {number | string | undefined} */ t) =>
      typeof t === 'number' ? t * 1000 : RECOVERY_BOUND_S * 1000;
    const replica = Number(a.replica);
    const recovery = Number.isInteger(replica)
      ? recovered(f.recovery.get(replica))
      : Math.max(...replicas.map(r => recovered(f.recovery.get(r.index))));
    return a.answered >= f.start && a.sent <= end + recovery + FAULT_MARGIN_MS;
  });
}

/**
 * Reads every page of a replica's deployment list.
 * @param {Replica} replica
 */
async function listDeployments(replica) {
  /** @type {string[]} */
  const ids = [];
  polled.length = 0;
  let cursor;
  for (let page = 0; page < 1000; page++) {
    const query = `entityRef=${encodeURIComponent(
      COMPONENT,
    )}&${doraWindow}&limit=500${
      cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
    }`;
    const answer = await call('final read', `/api/dora/deployments?${query}`, {
      token: tokens.observer,
      base: replica.url,
    });
    if (!answer.ok) throw new Error(`deployments page: ${answer.status}`);
    const body =
      /** @type {{ items: { id: string, source: string }[], nextCursor?: string }} */ (
        answer.body
      );
    // The GitHub poller's deployments (source github) are not the soak's.
    for (const item of body.items) {
      if (item.source === 'github') polled.push(item.id);
      else ids.push(item.id);
    }
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return ids;
}

/** Deployments of source github in the database, in any window. */
let githubStored = 0;
/** Deployments the GitHub poller stored from the stand-in, by id. */
/** @type {string[]} */
const polled = [];

/** @param {Set<string>} sent @param {string[]} stored */
function compareIds(sent, stored) {
  const storedSet = new Set(stored);
  const missing = [...sent].filter(id => !storedSet.has(id));
  const extra = [...storedSet].filter(id => !sent.has(id));
  return {
    missing,
    extra,
    duplicates: stored.length - storedSet.size,
    ok:
      missing.length === 0 &&
      extra.length === 0 &&
      stored.length === storedSet.size,
  };
}

async function checkEvents() {
  const replica = replicas[0];
  const listed = await listDeployments(replica);
  const byApi = compareIds(sentSuccessful, listed);
  const schema = 'dora';
  const dbDeployments = (
    await pgQuery(
      `SELECT event_id FROM ${schema}.dora_deployments WHERE source <> 'github'`,
      [],
      database,
    )
  ).map(r => String(r.event_id));
  const dbChanges = (
    await pgQuery(
      `SELECT event_id FROM ${schema}.dora_changes WHERE source <> 'github'`,
      [],
      database,
    )
  ).map(r => String(r.event_id));
  githubStored = Number(
    (
      await pgQuery(
        `SELECT count(*) AS n FROM ${schema}.dora_deployments WHERE source = 'github'`,
        [],
        database,
      )
    )[0].n,
  );
  const byDbDeployments = compareIds(sentDeployments, dbDeployments);
  const byDbChanges = compareIds(sentChanges, dbChanges);
  const metrics = await call(
    'final read',
    `/api/dora/metrics?entityRef=${encodeURIComponent(
      COMPONENT,
    )}&${doraWindow}`,
    { token: tokens.observer, base: replica.url },
  );
  const counted =
    /** @type {{ deploymentFrequency: { deployments: number } }} */ (
      metrics.body
    ).deploymentFrequency?.deployments;
  const ok =
    byApi.ok &&
    byDbDeployments.ok &&
    byDbChanges.ok &&
    counted === sentSuccessful.size + polled.length &&
    unconfirmedBatches.length === 0;
  const describe = (/** @type {ReturnType<typeof compareIds>} */ c) =>
    `${c.missing.length} missing, ${c.extra.length} extra, ${c.duplicates} twice`;
  table.push({
    criterion: 'no event lost or counted twice (stored = sent, by id)',
    result: ok ? 'PASS' : 'FAIL',
    detail:
      `${sentDeployments.size} deployments (${sentSuccessful.size} successful) + ${sentChanges.size} changes sent, each batch twice; ` +
      `API (GET /api/dora/deployments, every page; successful deployments): ${describe(
        byApi,
      )}; ` +
      `database (dora_deployments, dora_changes; no API lists changes): ${describe(
        byDbDeployments,
      )} / ${describe(byDbChanges)}; ` +
      `the component's metrics count ${counted} deployments (${polled.length} of them polled from the GitHub stand-in)` +
      (unconfirmedBatches.length
        ? `; ${unconfirmedBatches.length} batches never answered 200`
        : ''),
  });
}

async function checkIdenticalMetrics() {
  const readsToCompare = [
    // Kubernetes status is each replica's own watch cache (README, "Running
    // several replicas"): its timestamps differ by design.
    ...reads.filter(read => !read.kind.startsWith('Kubernetes')),
    {
      kind: 'DORA series (component, daily deployments)',
      path: `/api/dora/series?entityRef=${encodeURIComponent(
        COMPONENT,
      )}&${doraWindow}&metric=deploymentFrequency&interval=day`,
    },
    {
      kind: 'DORA deployments (first page)',
      path: `/api/dora/deployments?entityRef=${encodeURIComponent(
        COMPONENT,
      )}&${doraWindow}&limit=100`,
    },
  ];
  const differing = [];
  for (const read of readsToCompare) {
    /** @type {unknown[]} */
    const bodies = [];
    for (const replica of replicas) {
      const answer = await call('final read', read.path, {
        token: tokens.observer,
        base: replica.url,
      });
      bodies.push(answer.ok ? answer.body : `status ${answer.status}`);
    }
    if (!bodies.every(b => isDeepStrictEqual(b, bodies[0]))) {
      differing.push(read.kind);
    }
  }
  table.push({
    criterion: 'every replica returns identical metrics afterwards',
    result: differing.length === 0 ? 'PASS' : 'FAIL',
    detail:
      `${readsToCompare.length} reads (DORA metrics, series and deployments of ${COMPONENT} and the organisation; cost of both) ` +
      `asked of each replica directly` +
      (differing.length ? `; differing: ${differing.join(', ')}` : ': equal'),
  });
}

function checkServerErrors() {
  const serverErrors = attempts.filter(a => a.status === 0 || a.status >= 500);
  const outside = serverErrors.filter(a => !faultOf(a));
  const gaveUp = outcomes.filter(o => !o.ok);
  const perFault = faults.map(f => {
    const inFault = serverErrors.filter(a => faultOf(a) === f);
    const statuses = new Map();
    for (const a of inFault) {
      const key = a.status === 0 ? 'cut' : String(a.status);
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
    return `${f.name}: ${inFault.length}${
      inFault.length
        ? ` (${[...statuses].map(([s, n]) => `${n}× ${s}`).join(', ')})`
        : ''
    }`;
  });
  // Grouped by what the answer said, with the requests and when.
  /** @type {Map<string, Attempt[]>} */
  const byCause = new Map();
  for (const a of outside) {
    const key = `${a.status || 'cut'} "${a.message ?? ''}"`;
    byCause.set(key, [...(byCause.get(key) ?? []), a]);
  }
  const describeOutside = [...byCause].map(([cause, list]) => {
    const kinds = [...new Set(list.map(a => a.kind))].join(', ');
    const times = list.map(a => Math.round((a.sent - loadStartedAt) / 1000));
    return `${list.length}× ${cause} (${kinds}; ${Math.min(
      ...times,
    )}–${Math.max(...times)} s into the load)`;
  });
  table.push({
    criterion: 'no 5xx except during a named fault, then retried successfully',
    result: outside.length === 0 && gaveUp.length === 0 ? 'PASS' : 'FAIL',
    detail:
      `${outcomes.length} requests, ${
        attempts.length
      } attempts; 5xx or cut connections per fault: ${perFault.join('; ')}; ` +
      `outside any fault: ${outside.length}${
        outside.length ? ` (${describeOutside.join('; ')})` : ''
      }; requests that failed after retries: ${gaveUp.length}${
        gaveUp.length
          ? ` (${gaveUp
              .slice(0, 5)
              .map(o => `${o.kind} ${o.status}`)
              .join('; ')})`
          : ''
      }`,
  });
  const internal = attempts.filter(a => a.status === 500);
  table.push({
    criterion: 'a lost database is 503 with Retry-After, never 500',
    result: internal.length === 0 ? 'PASS' : 'FAIL',
    detail: `500 answers: ${internal.length}; 503 answers: ${
      attempts.filter(a => a.status === 503).length
    }, of which with Retry-After: ${
      attempts.filter(a => a.status === 503 && a.retryAfter !== undefined)
        .length
    }`,
  });
}

function checkRecovery() {
  /** @type {string[]} */
  const slow = [];
  const parts = [];
  for (const fault of faults) {
    const times = replicas.map(r => {
      const t = fault.recovery.get(r.index);
      if (typeof t !== 'number' || t > RECOVERY_BOUND_S) {
        slow.push(
          `${fault.name}: replica ${r.index}, until then ${
            fault.slowCause.get(r.index) ?? 'unmeasured'
          }`,
        );
      }
      return typeof t === 'number' ? `${t.toFixed(1)} s` : String(t);
    });
    parts.push(`${fault.name}: ${times.join(' / ')}`);
  }
  table.push({
    criterion: `each replica recovers within ${RECOVERY_BOUND_S} s of the fault ending (readiness + a read; upstream: clusters synced, OpenCost pulled again)`,
    result: slow.length === 0 ? 'PASS' : 'FAIL',
    detail:
      `replicas 0 / 1 / 2 — ${parts.join('; ')}` +
      (slow.length ? `; late: ${slow.join('; ')}` : ''),
  });
}

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** @param {number} loadEnd */
function checkRss(loadEnd) {
  const parts = [];
  let ok = true;
  let peakKb = 0;
  let dataGrowth = '';
  for (const replica of replicas) {
    // The process running at the end, from its readiness to the load's end.
    const samples = rssSamples.filter(
      s =>
        s.replica === replica.index &&
        s.generation === replica.generation &&
        s.t <= loadEnd,
    );
    if (samples.length < 8) {
      parts.push(
        `replica ${replica.index}: ${samples.length} samples, too few to judge`,
      );
      continue;
    }
    const q = Math.floor(samples.length / 4);
    const second = median(samples.slice(q, 2 * q).map(s => s.kb));
    const last = median(samples.slice(3 * q).map(s => s.kb));
    const ratio = last / second;
    if (ratio > RSS_GROWTH_BOUND) ok = false;
    peakKb = Math.max(peakKb, ...samples.map(s => s.kb));
    parts.push(
      `replica ${replica.index}: ${(second / 1024).toFixed(0)} → ${(
        last / 1024
      ).toFixed(0)} MB (×${ratio.toFixed(2)})`,
    );
    dataGrowth = `${samples[q].deployments} → ${
      samples[samples.length - 1].deployments
    }`;
  }
  const judged = loadMs >= RSS_MIN_LOAD_MS;
  table.push({
    criterion: `RSS stays flat (median of the last quarter ≤ ${RSS_GROWTH_BOUND} × the second quarter's)`,
    result: !judged ? 'INFO' : ok ? 'PASS' : 'FAIL',
    detail:
      `VmRSS every 2 s during the load; ${parts.join('; ')}; peak ${(
        peakKb / 1024
      ).toFixed(0)} MB; meanwhile the stored deployments grew ${dataGrowth} ` +
      `(every DORA read analyses its scope's facts)` +
      (judged
        ? ''
        : `; not judged: a load phase under ${
            RSS_MIN_LOAD_MS / 60_000
          } minutes is mostly the processes' warm-up`),
  });
  const peak = Math.max(0, ...connectionSamples);
  table.push({
    criterion: 'PostgreSQL connections',
    result: 'INFO',
    detail:
      `the replicas held at most ${peak} connections to the soak's database (sampled every 2 s; the server allows ${maxConnections} in all, for every database)` +
      (peak
        ? `, ${Math.round(
            (peakConnections.t - loadStartedAt) / 1000,
          )} s into the load, by application_name: ${peakConnections.byPool}; `
        : '; ') +
      `"too many clients" refusals in the replicas' logs: ${replicas
        .map(r => r.logLines(/too many clients/))
        .join(' / ')}`,
  });
}

function infoRows() {
  const byKind = new Map();
  for (const o of outcomes) byKind.set(o.kind, (byKind.get(o.kind) ?? 0) + 1);
  table.push({
    criterion: 'load',
    result: 'INFO',
    detail:
      `${
        loadMs / 1000
      } s; ${SENDERS} senders (batches of ${BATCH_DEPLOYMENTS} deployments + ${BATCH_DEPLOYMENTS} changes), ` +
      `${READERS} readers, 1 FOCUS importer through the proxy (round robin over 3 replicas); ` +
      [...byKind].map(([k, n]) => `${n} ${k}`).join(', '),
  });
  table.push({
    criterion: 'DORA batches sent twice',
    result: 'INFO',
    detail:
      `${ingestTotals.pairs} batches, ${ingestTotals.splitPairs} of them answered by two different replicas; ` +
      `accepted ${ingestTotals.accepted} + unchanged ${ingestTotals.unchanged} events over both copies ` +
      `(each event accepted once unless an answer was lost to a fault)`,
  });
  table.push({
    criterion: 'FOCUS imports',
    result: focusImports.failed === 0 ? 'INFO' : 'FAIL',
    detail:
      `${focusImports.ok} uploads of examples/focus (import soak-fernhill) with a billing-exports token granted cost.import` +
      ` (the CI token has only catalog.entity.read and dora.events.create); records stored per upload: ${[
        ...focusImports.stored,
      ].join(', ')}; failed: ${focusImports.failed}`,
  });
  table.push({
    criterion: 'log volume',
    result: 'INFO',
    detail: replicas
      .map(r => `replica ${r.index}: ${(r.logBytes() / 1024).toFixed(0)} KB`)
      .join('; '),
  });
  table.push({
    criterion: 'faults upstream',
    result: 'INFO',
    detail:
      `Kubernetes (both clusters), OpenCost and GitHub are the local stand-ins (packages/*-local), switched through their fault endpoints; ` +
      faults
        .filter(f => f.observed)
        .map(f => `${f.name}: ${f.observed}`)
        .join('; ') +
      `; the GitHub poller stored ${githubStored} deployments of the stand-in's fernhill/paved (${polled.length} in the read window) despite its faults; ` +
      `OpenCost pull failures logged: ${replicas
        .map(r =>
          r.logLines(/opencost/i)
            ? r.logLines(/OpenCost.*(fail|error|timed out|500)/i)
            : 0,
        )
        .join(' / ')}`,
  });
}

function printTable() {
  const rows = [
    ['Criterion', 'Result', 'Detail'],
    ['---', '---', '---'],
    ...table.map(r => [r.criterion, r.result, r.detail.replace(/\|/g, '\\|')]),
  ];
  console.log('');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log('');
}

// ---- the run --------------------------------------------------------------

/** @type {string} */
let workDir = '';
/** @type {Awaited<ReturnType<typeof startProxy>> | undefined} */
let proxy;
let databaseCreated = false;

async function cleanUp() {
  loading = false;
  sampling = false;
  await proxy?.close().catch(() => undefined);
  await Promise.all(replicas.map(r => r.stop()));
  await redis?.stop();
  await standIns?.stop();
  if (databaseCreated) {
    await pgQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(
      error => console.error(`could not drop ${database}: ${error}`),
    );
  }
}

async function main() {
  if (!fs.existsSync(bundle)) {
    throw new Error('run `yarn build:backend` first (./paved soak does)');
  }
  for (const port of [PROXY_PORT, ...REPLICA_PORTS]) {
    if (await portInUse(port)) throw new Error(`port ${port} is in use`);
  }
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-soak-'));
  unpackBundle(workDir);

  // Production's external access, plus two tokens for the soak's other
  // callers: a billing pipeline that uploads FOCUS files (cost.import only;
  // the CI token may only read the catalog and post DORA events), and an
  // observer that reads metrics and cost. The observer has no
  // accessRestrictions because DORA and cost resolve a read's scope in the
  // catalog on the caller's behalf, and Backstage refuses to delegate a
  // restricted token ("Access to target plugin 'catalog' is restricted and
  // cannot be delegated").
  const production = YAML.parse(
    fs.readFileSync(path.join(workDir, 'app-config.production.yaml'), 'utf8'),
  );
  const soakConfig = {
    backend: {
      auth: {
        externalAccess: [
          ...production.backend.auth.externalAccess,
          {
            type: 'static',
            options: { token: tokens.billing, subject: 'billing-exports' },
            accessRestrictions: [
              { plugin: 'cost', permission: ['cost.import'] },
            ],
          },
          {
            type: 'static',
            options: { token: tokens.observer, subject: 'soak-observer' },
          },
        ],
      },
    },
  };
  standIns = await startStandIns();
  const upstream = standIns.configLayer;
  const opencost = {
    ...upstream.cost.opencost,
    // Pulls often enough that a 30-second recovery is possible, and a hung
    // OpenCost holds a pull no longer than 10 s.
    schedule: {
      ...upstream.cost.opencost.schedule,
      // (In minutes: configuration layers merge, and app-config.yaml's
      // `minutes: 30` would stay beside a `seconds` here.)
      frequency: { minutes: 0.25 },
    },
    requestTimeoutSeconds: 10,
  };
  fs.writeFileSync(
    path.join(workDir, 'app-config.soak.yaml'),
    YAML.stringify({
      ...soakConfig,
      ...upstream,
      cost: { ...upstream.cost, opencost },
    }),
  );

  await pgQuery(`CREATE DATABASE ${database}`);
  maxConnections = (await pgQuery('SHOW max_connections'))[0].max_connections;
  databaseCreated = true;
  redis = new SoakRedis(await freePort());
  await redis.start();
  log(
    `PostgreSQL database ${database}; Redis of the soak's own on ${redis.url}; working directory ${workDir}`,
  );

  const env = productionEnv({
    database,
    redisUrl: redis.url,
    ciToken: tokens.ci,
    githubOrg: 'fernhill',
  });
  replicas = REPLICA_PORTS.map(
    (port, index) =>
      new Replica({
        index,
        port,
        workDir,
        env,
        configFiles: [
          'app-config.yaml',
          'app-config.production.yaml',
          'app-config.soak.yaml',
        ],
      }),
  );
  // The first runs the migrations alone, as a rolling update's first pod.
  replicas[0].start();
  await replicas[0].waitReady(180_000);
  replicas[1].start();
  replicas[2].start();
  await Promise.all(replicas.slice(1).map(r => r.waitReady(180_000)));
  log('three replicas ready');

  proxy = await startProxy({ port: PROXY_PORT, upstreamPorts: REPLICA_PORTS });
  // The catalog reads its locations asynchronously after start-up; the
  // portal's own component must exist for events to be attributed to it.
  for (let i = 0; ; i++) {
    const res = await call(
      'start-up read',
      `/api/catalog/entities/by-name/component/default/paved`,
      { token: tokens.observer },
    );
    if (res.ok) break;
    if (i > 120) throw new Error(`the catalog never had ${COMPONENT}`);
    await sleep(1000);
  }
  // Start-up is not part of what the criteria judge.
  attempts.length = 0;
  outcomes.length = 0;

  log(
    `load for ${
      loadMs / 1000
    } s, with faults at 15 % (replica), 25 % (Kubernetes), 45 % (database), 55 % (OpenCost), 70 % (Redis) and 82 % (GitHub) of it`,
  );
  const loadStart = Date.now();
  loadStartedAt = loadStart;
  const rssSampler = sampleRss();
  const load = [
    ...Array.from({ length: SENDERS }, (_, i) => sendBatches(i)),
    ...Array.from({ length: READERS }, (_, i) => readLoop(i)),
    importFocus(),
  ];
  const faultRuns = [];
  const at = async (/** @type {number} */ share) => {
    const wait = loadStart + share * loadMs - Date.now();
    if (wait > 0) await sleep(wait);
  };
  await at(0.15);
  faultRuns.push(killAndRestartReplica());
  await at(0.25);
  faultRuns.push(kubernetesFault());
  await at(0.45);
  faultRuns.push(terminateDatabaseConnections());
  await at(0.55);
  faultRuns.push(openCostFault());
  await at(0.7);
  faultRuns.push(stopAndStartRedis());
  await at(0.82);
  faultRuns.push(githubFault());
  await at(1);
  loading = false;
  await Promise.all(load);
  const loadEnd = Date.now();
  log('load over; waiting for the recovery measurements');
  await Promise.all(faultRuns);
  sampling = false;
  await rssSampler;
  await Promise.all(replicas.map(r => r.waitReady(120_000)));

  log('checking');
  await checkEvents();
  await checkIdenticalMetrics();
  checkServerErrors();
  checkRecovery();
  checkRss(loadEnd);
  infoRows();
  printTable();
  return table.every(r => r.result !== 'FAIL');
}

let interrupted = false;
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping everything the soak started`);
    cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

async function run() {
  let passed = false;
  try {
    passed = await main();
  } catch (error) {
    console.error(error instanceof Error ? error.stack : error);
    printTable();
  } finally {
    await cleanUp();
  }
  if (passed && !args.keep) {
    fs.rmSync(workDir, { recursive: true, force: true });
  } else if (workDir) {
    log(`replica logs kept in ${workDir}`);
  }
  log(passed ? 'soak passed' : 'soak FAILED');
  process.exit(passed ? 0 : 1);
}

run();
