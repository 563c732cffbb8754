/*
 * A probe for the scale benchmark's backend (`--node-options="--require
 * /abs/path/e2e-tests/scale/probes/pool-waits.cjs"`): every 10 s it writes
 * to stderr, so into the backend's log, one line per database connection
 * pool (each plugin has its own) that handed out a connection: how many,
 * and how long callers waited for one (p50, p95, max in ms). A pool whose
 * connections are all held makes every other statement of that plugin
 * wait, whatever the database is doing.
 */
const Module = require('node:module');

/** Waits (ms) per pool since the last line. */
const waits = new Map();
const names = new WeakMap();

const nameOf = (pool, resource) => {
  let name = names.get(pool);
  const app = resource?.connectionParameters?.application_name;
  if (!name && app) {
    name = app.replace(/^backstage_plugin_/, '');
    names.set(pool, name);
  }
  return name ?? `pool(max ${pool.max})`;
};

const load = Module._load;
let patched = false;
Module._load = function loadAndPatch(request, ...rest) {
  const loaded = load.call(this, request, ...rest);
  if (!patched && request === 'tarn' && loaded?.Pool) {
    patched = true;
    const acquire = loaded.Pool.prototype.acquire;
    loaded.Pool.prototype.acquire = function timedAcquire() {
      const started = process.hrtime.bigint();
      const pending = acquire.apply(this, arguments);
      pending.promise = pending.promise.then(resource => {
        const name = nameOf(this, resource);
        const list = waits.get(name) ?? [];
        list.push(Number(process.hrtime.bigint() - started) / 1e6);
        waits.set(name, list);
        return resource;
      });
      return pending;
    };
  }
  return loaded;
};

const at = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

setInterval(() => {
  const parts = [];
  for (const [name, list] of waits) {
    const sorted = list.sort((a, b) => a - b);
    parts.push(
      `${name}=${sorted.length}:${at(sorted, 0.5).toFixed(1)}/${at(
        sorted,
        0.95,
      ).toFixed(1)}/${sorted[sorted.length - 1].toFixed(1)}`,
    );
  }
  waits.clear();
  if (parts.length) {
    process.stderr.write(
      `POOL-WAITS ${new Date().toISOString()} acquires:p50/p95/max ms ${parts.join(
        ' ',
      )}\n`,
    );
  }
}, 10_000).unref();
