import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppState } from './app.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { createMetrics } from './metrics.ts';

const config = loadConfig();
const logger = createLogger(config.serviceName, config.logLevel);
const state: AppState = { ready: true };
const app = createApp({ serviceName: config.serviceName, metrics: createMetrics(), logger, state });

const server = createServer((req, res) => {
  void app(req, res);
});
server.keepAliveTimeout = 65_000; // longer than the load balancer's idle timeout

server.listen(config.port, () => {
  const { port } = server.address() as AddressInfo;
  logger.info('listening', { port, environment: config.environment });
});

/**
 * Graceful shutdown: fail readiness first so Kubernetes takes the pod out of
 * the Service, keep serving for SHUTDOWN_DELAY_MS, then stop accepting
 * connections and let the process exit once in-flight requests are done
 * (terminationGracePeriodSeconds is the hard limit).
 */
function shutdown(signal: string) {
  if (!state.ready) {
    return;
  }
  state.ready = false;
  logger.info('shutting down', { signal, delayMs: config.shutdownDelayMs });
  setTimeout(() => {
    server.close(() => logger.info('stopped'));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 10_000).unref();
  }, config.shutdownDelayMs);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
