/*
 * A probe for the scale benchmark's backend (`--node-options="--require
 * ./e2e-tests/scale/probes/event-loop.cjs"`, an absolute path): every 10 s
 * it writes to stderr, so into the backend's log, one line of how busy the
 * event loop was (utilisation, 0–1) and how late a 10 ms timer fired
 * (p50, p95, p99, max in ms; the 10 ms are included).
 */
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let previous = performance.eventLoopUtilization();
const ms = nanoseconds => (nanoseconds / 1e6).toFixed(1);

setInterval(() => {
  const now = performance.eventLoopUtilization();
  const { utilization } = performance.eventLoopUtilization(now, previous);
  previous = now;
  process.stderr.write(
    `EVENT-LOOP ${new Date().toISOString()} utilisation=${utilization.toFixed(
      2,
    )} delay p50=${ms(delay.percentile(50))} p95=${ms(
      delay.percentile(95),
    )} p99=${ms(delay.percentile(99))} max=${ms(delay.max)}\n`,
  );
  delay.reset();
}, 10_000).unref();
