#!/usr/bin/env node
/**
 * The local default's Prometheus, for cost per request: Debian's real
 * `prometheus` server with 30 days of request counters for the demo
 * organisation's production workloads, backfilled the way an operator
 * imports history (`promtool tsdb create-blocks-from openmetrics`).
 *
 *   node scripts/demo-prometheus.mjs [--port 9090] [--data .paved/prometheus]
 *
 * The series are what the golden paths' OpenTelemetry instrumentation
 * exports, as their ServiceMonitor scrapes it:
 * http_server_request_duration_seconds_count{service="<id>",service_name="<id>"}
 * (`service` is what the catalog's prometheus.io/request-rate-query
 * annotations select on, `service_name` what Paved's default query uses).
 * Rates are deterministic per workload (busier on weekdays and in the
 * daytime). The data is generated once a day and reused.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(
  join(root, 'packages/kube-apiserver-local/package.json'),
);
const { parse } = require('yaml');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(option('port', '9090'));
const dataRoot = resolve(root, option('data', '.paved/prometheus'));
const STEP = 150; // seconds: two samples in every 5-minute rate window
const DAY = 86400;
const DAYS = 30;

/** Production workloads of the demo scenario (the services that serve users). */
function workloads() {
  const scenario = parse(
    readFileSync(
      join(root, 'packages/kube-apiserver-local/scenarios/fernhill.yaml'),
      'utf8',
    ),
  );
  const ids = new Set();
  for (const cluster of scenario.clusters ?? []) {
    for (const env of cluster.environments ?? []) {
      if (env.name !== 'production') continue;
      for (const w of env.workloads ?? []) ids.add(w.id);
    }
  }
  return [...ids].sort();
}

/** Requests per second at time t for a workload: its own size, day and night, weekends. */
function rate(id, t) {
  const seed = createHash('sha256').update(id).digest().readUInt32BE(0);
  const base = 2 + (seed % 60); // 2..61 requests/s at midday on a weekday
  const hour = (t % DAY) / 3600;
  const daytime =
    0.25 + 0.75 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI));
  const weekday = new Date(t * 1000).getUTCDay();
  const weekend = weekday === 0 || weekday === 6 ? 0.55 : 1;
  return base * daytime * weekend;
}

async function generate(dataDir) {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const samples = join(dirname(dataDir), 'samples.om');
  const end = Math.floor(Date.now() / 1000 / STEP) * STEP - 3600; // blocks must not reach the head
  const start = end - DAYS * DAY;
  const out = createWriteStream(samples);
  const write = line =>
    out.write(line) ? undefined : new Promise(r => out.once('drain', r));
  for (const id of workloads()) {
    let count = 0;
    for (let t = start; t <= end; t += STEP) {
      await write(
        `http_server_request_duration_seconds_count{service="${id}",service_name="${id}"} ${Math.round(
          count,
        )} ${t}\n`,
      );
      count += rate(id, t) * STEP;
    }
  }
  await write('# EOF\n');
  await new Promise(r => out.end(r));
  execFileSync('promtool', [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    '--quiet',
    '--max-block-duration=24h',
    samples,
    dataDir,
  ]);
  rmSync(samples);
}

// The date plus a version of the series' shape: a change here regenerates.
const today = `${new Date().toISOString().slice(0, 10)} v3`;
const dataDir = join(dataRoot, 'data');
const stamp = join(dataRoot, 'generated-on');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== today) {
  await generate(dataDir);
  writeFileSync(stamp, today);
}
const config = join(dataRoot, 'prometheus.yml');
writeFileSync(config, 'global:\n  scrape_interval: 1m\n');
const server = spawn(
  'prometheus',
  [
    `--config.file=${config}`,
    `--storage.tsdb.path=${dataDir}`,
    '--storage.tsdb.retention.time=3650d',
    `--web.listen-address=127.0.0.1:${port}`,
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill('SIGTERM'));
}
server.on('exit', code => process.exit(code ?? 0));
