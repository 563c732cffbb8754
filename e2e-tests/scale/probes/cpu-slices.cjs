/*
 * A probe for the scale benchmark's backend (`--node-options="--require
 * /abs/path/e2e-tests/scale/probes/cpu-slices.cjs"`): profiles the
 * backend's CPU in consecutive 60-second slices, each written to
 * `$TMPDIR/cpu-slice-<pid>-<n>.cpuprofile` (open one in Chrome's DevTools,
 * Performance, or read its samples with a script), so the catalog's
 * ingest, the early year and the late year each have their own. Sampling
 * every 2 ms costs little; writing a slice stalls the event loop for about
 * half a second each minute, so compare the read latencies of runs with
 * it with each other only.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const inspector = require('node:inspector');

const SLICE_MS = 60_000;
const session = new inspector.Session();
session.connect();
let slice = 0;

function start() {
  session.post('Profiler.start', () => {
    setTimeout(stop, SLICE_MS).unref();
  });
}

function stop() {
  session.post('Profiler.stop', (error, result) => {
    if (!error) {
      const file = path.join(
        os.tmpdir(),
        `cpu-slice-${process.pid}-${String(slice++).padStart(
          3,
          '0',
        )}.cpuprofile`,
      );
      fs.writeFileSync(file, JSON.stringify(result.profile));
    }
    start();
  });
}

session.post('Profiler.enable', () =>
  session.post('Profiler.setSamplingInterval', { interval: 2000 }, start),
);
