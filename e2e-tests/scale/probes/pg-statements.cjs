/*
 * A probe for the scale benchmark's backend (`--node-options="--require
 * /abs/path/e2e-tests/scale/probes/pg-statements.cjs"`): counts what the
 * backend sends to PostgreSQL per statement (its text with the parameter
 * lists folded, calls, and the bytes of text and parameters). `kill -USR2
 * <backend pid>` writes the 40 largest (by bytes sent), then the 40 most
 * called under how many calls there were in all, to
 * `$TMPDIR/pg-statements-<time>.txt` and starts counting anew: signal once
 * when a phase starts and once when it ends.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');

const statements = new Map();

const shapeOf = text =>
  String(text)
    .replace(/\s+/g, ' ')
    .replace(/\$\d+(, ?\$\d+)*/g, '$…')
    .replace(/\(\$…\)(, \(\$…\))+/g, '($…)…')
    .slice(0, 160);

const bytesOf = value => {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value.length;
  if (value instanceof Date) return 8;
  if (typeof value === 'object') return JSON.stringify(value).length;
  return String(value).length;
};

function count(config, values) {
  const text = typeof config === 'string' ? config : config?.text;
  const parameters = Array.isArray(values) ? values : config?.values ?? [];
  const shape = shapeOf(text);
  const seen = statements.get(shape) ?? { calls: 0, bytes: 0 };
  seen.calls += 1;
  seen.bytes +=
    String(text).length + parameters.reduce((sum, v) => sum + bytesOf(v), 0);
  statements.set(shape, seen);
}

// The backend's bundle loads its own `pg`: its Client is patched on load.
const load = Module._load;
let patched = false;
Module._load = function loadAndPatch(request, ...rest) {
  const loaded = load.call(this, request, ...rest);
  if (!patched && request === 'pg' && loaded?.Client) {
    patched = true;
    const query = loaded.Client.prototype.query;
    loaded.Client.prototype.query = function countedQuery(config, values) {
      count(config, values);
      return query.apply(this, arguments);
    };
  }
  return loaded;
};

/** The 40 statements that rank first by `key`, one line each. */
const top = key =>
  [...statements]
    .sort((a, b) => b[1][key] - a[1][key])
    .slice(0, 40)
    .map(
      ([shape, { calls, bytes }]) =>
        `${(bytes / 1e6).toFixed(1).padStart(8)} MB ${String(calls).padStart(
          8,
        )} × ${shape}`,
    );

process.on('SIGUSR2', () => {
  const calls = [...statements.values()].reduce((n, s) => n + s.calls, 0);
  const lines = [
    ...top('bytes'),
    '',
    `By calls (${calls} in all):`,
    ...top('calls'),
  ];
  const file = path.join(os.tmpdir(), `pg-statements-${Date.now()}.txt`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  statements.clear();
  process.stderr.write(`pg-statements: written ${file}\n`);
});
