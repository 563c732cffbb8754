import type { Server } from 'node:http';
import type { LoggerService } from '@backstage/backend-plugin-api';

/** How long a stopping replica lets requests in flight finish. */
const DRAIN_LIMIT_MS = 10_000;

/** How often a stopping replica closes the connections gone idle. */
const IDLE_SWEEP_MS = 250;

/**
 * Bounds a stopping replica's wait for its HTTP connections, once
 * Backstage has stopped the server from taking new ones (`server.close()`,
 * which closes only the connections idle at that moment):
 *
 * - a connection that goes idle afterwards (its request answered) is
 *   closed within a moment, not kept for the keep-alive timeout (65 s in
 *   production, longer than the ingress keeps one);
 * - after `limitMs` every connection still open is closed, its request
 *   cut: the events bus's long polls (each replica's plugins poll their
 *   own replica's bus, 55 s a poll) would otherwise hold the replica
 *   that long, and nothing else a replica answers takes near the limit.
 *
 * Without it a replica took about two minutes to exit after SIGTERM, past
 * Kubernetes' grace period (60 s), so every rollout ended in SIGKILL.
 * Resolves once the server has closed.
 */
export async function drainOnShutdown(
  server: Server,
  closed: Promise<void>,
  logger: LoggerService,
  limitMs = DRAIN_LIMIT_MS,
): Promise<void> {
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const cut = setTimeout(() => {
    server.getConnections((_error, open) => {
      if (open > 0) {
        logger.warn(
          `Closing ${open} connection(s) still open ${
            limitMs / 1000
          } s after shutdown began (long polls or slow requests)`,
        );
      }
      server.closeAllConnections();
    });
  }, limitMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}
