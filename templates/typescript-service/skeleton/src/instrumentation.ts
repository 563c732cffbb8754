/**
 * Preloaded with `node --import ./dist/instrumentation.js dist/server.js`, so
 * tracing is set up before the service imports `node:http`. Tracing is off
 * (and the SDK never loaded) unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
import { register } from 'node:module';
import { loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { startTelemetry } from './telemetry.ts';

const config = loadConfig();
if (config.otlpEndpoint) {
  // ES modules are instrumented through a loader hook (import-in-the-middle);
  // without it `import { createServer } from 'node:http'` is not traced.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
}
const telemetry = await startTelemetry(config, createLogger(config.serviceName, config.logLevel));

// The server stops accepting work and lets the event loop drain on SIGTERM;
// the last spans are flushed just before the process exits.
process.once('beforeExit', () => {
  void telemetry.shutdown();
});
