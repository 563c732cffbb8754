import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { drainOnShutdown } from './drainOnShutdown';
import { uncompressedLoopback } from './uncompressedLoopback';

/**
 * Backstage's root HTTP router with {@link uncompressedLoopback} first, and
 * a stopping replica's wait for its connections bounded
 * ({@link drainOnShutdown}).
 */
export const rootHttpRouter = rootHttpRouterServiceFactory({
  configure({ app, server, lifecycle, logger, applyDefaults }) {
    app.use(uncompressedLoopback);
    applyDefaults();
    const closed = new Promise<void>(resolve => server.once('close', resolve));
    // Runs beside Backstage's own hook that closes the server.
    lifecycle.addShutdownHook(() => drainOnShutdown(server, closed, logger));
  },
});
