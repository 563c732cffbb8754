/*
 * A probe for the scale benchmark's backend (`--node-options="--require
 * /abs/path/e2e-tests/scale/probes/plugin-calls.cjs"`): every 10 s it
 * writes to stderr, so into the backend's log, one line for the requests
 * the backend answered and one for the requests it made to itself (one
 * plugin asking another, or the catalog, over HTTP), each grouped by
 * method and route (`/api/<plugin>/<first segment>`, the catalog's with
 * its second): how many, and how long they took (p50, p95, max in ms). A
 * read's time on the backend next to each hop it makes shows which hop a
 * slow read waits on. It adds work to every request: compare runs with it
 * with each other only.
 */
const http = require('node:http');

/** Durations (ms) per key since the last line, per direction. */
const answered = new Map();
const asked = new Map();

const routeOf = url => {
  const path = String(url)
    .replace(/^https?:\/\/[^/]+/, '')
    .split('?')[0];
  const [, api, plugin, first, second] = path.split('/');
  if (api !== 'api') return path.slice(0, 40);
  // The catalog's routes differ in their second segment (by-name, by-refs).
  return plugin === 'catalog' && second
    ? `/api/catalog/${first}/${second}`
    : `/api/${plugin}/${first ?? ''}`;
};

const record = (map, key, ms) => {
  const list = map.get(key) ?? [];
  list.push(ms);
  map.set(key, list);
};

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function timedEmit(event, req, res) {
  if (event === 'request') {
    const started = process.hrtime.bigint();
    const key = `${req.method} ${routeOf(req.url)}`;
    res.once('finish', () =>
      record(answered, key, Number(process.hrtime.bigint() - started) / 1e6),
    );
  }
  return emit.apply(this, arguments);
};

// The catalog's client asks with node-fetch (the http module), the
// generated clients of Paved's plugins with the global fetch (undici).
const started = new WeakMap();
const channels = require('node:diagnostics_channel');
channels.subscribe('http.client.request.created', ({ request }) =>
  started.set(request, process.hrtime.bigint()),
);
channels.subscribe('http.client.response.finish', ({ request }) => {
  const at = started.get(request);
  if (at === undefined) return;
  record(
    asked,
    `${request.method} ${routeOf(request.path)}`,
    Number(process.hrtime.bigint() - at) / 1e6,
  );
});

// Through an alias: TypeScript (which checks this file) reads an
// assignment to `globalThis.fetch` as a second declaration of fetch.
const global = globalThis;
const fetch = global.fetch;
global.fetch = async function timedFetch(input, init) {
  const started = process.hrtime.bigint();
  const url = typeof input === 'string' ? input : input?.url ?? String(input);
  const key = `${init?.method ?? input?.method ?? 'GET'} ${routeOf(url)}`;
  try {
    return await fetch.call(this, input, init);
  } finally {
    record(asked, key, Number(process.hrtime.bigint() - started) / 1e6);
  }
};

const at = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

const line = (label, map) => {
  const parts = [];
  for (const [key, list] of [...map].sort()) {
    const sorted = list.sort((a, b) => a - b);
    parts.push(
      `${key.replace(' ', ':')}=${sorted.length}:${at(sorted, 0.5).toFixed(
        0,
      )}/${at(sorted, 0.95).toFixed(0)}/${sorted[sorted.length - 1].toFixed(
        0,
      )}`,
    );
  }
  map.clear();
  if (parts.length) {
    process.stderr.write(
      `${label} ${new Date().toISOString()} n:p50/p95/max ms ${parts.join(
        ' ',
      )}\n`,
    );
  }
};

setInterval(() => {
  line('ANSWERED', answered);
  line('ASKED', asked);
}, 10_000).unref();
