import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './log.ts';
import type { Metrics } from './metrics.ts';

export interface AppState {
  /** False once shutdown has begun: /readyz fails so no new traffic arrives. */
  ready: boolean;
}

export interface AppOptions {
  serviceName: string;
  metrics: Metrics;
  logger: Logger;
  state?: AppState;
}

type Handler = (req: IncomingMessage, url: URL) => Promise<Reply> | Reply;
interface Reply {
  status: number;
  body: string;
  contentType?: string;
}

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler: Handler;
  /** Counted in http_server_request_duration_seconds (probes and scrapes are not). */
  measured: boolean;
}

const json = (status: number, value: unknown): Reply => ({
  status,
  body: JSON.stringify(value),
  contentType: 'application/json; charset=utf-8',
});

/** Builds the request listener: routing, metrics, access logs and error handling. */
export function createApp(options: AppOptions) {
  const { metrics, logger, serviceName } = options;
  const state = options.state ?? { ready: true };

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/healthz',
      measured: false,
      // Liveness: the process can answer. Never checks dependencies.
      handler: () => json(200, { status: 'ok' }),
    },
    {
      method: 'GET',
      path: '/readyz',
      measured: false,
      // Readiness: send traffic here. Add dependency checks (database
      // reachable) here, not in /healthz.
      handler: () =>
        state.ready ? json(200, { status: 'ready' }) : json(503, { status: 'shutting down' }),
    },
    {
      method: 'GET',
      path: '/metrics',
      measured: false,
      handler: async () => ({
        status: 200,
        body: await metrics.registry.metrics(),
        contentType: metrics.registry.contentType,
      }),
    },
    {
      method: 'GET',
      path: '/api/hello',
      measured: true,
      // The example route: replace it with your own API.
      handler: (_req, url) => {
        const name = url.searchParams.get('name') ?? 'world';
        if (name.length === 0 || name.length > 100) {
          return json(400, { error: 'name must be 1 to 100 characters' });
        }
        metrics.exampleGreetings.inc();
        return json(200, { message: `Hello, ${name}!`, service: serviceName });
      },
    },
  ];

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const samePath = routes.filter(r => r.path === url.pathname);
    const route = samePath.find(r => r.method === method);
    // Unknown paths share one label value to keep metric cardinality bounded.
    const routeLabel = samePath[0]?.path ?? 'unmatched';
    const measured = route?.measured ?? true;
    if (measured) {
      metrics.requestsInFlight.inc();
    }

    let reply: Reply;
    try {
      if (route) {
        reply = await route.handler(req, url);
      } else if (samePath.length > 0) {
        reply = json(405, { error: 'method not allowed' });
        res.setHeader('Allow', samePath.map(r => r.method).join(', '));
      } else {
        reply = json(404, { error: 'not found' });
      }
    } catch (error) {
      logger.error('request failed', { method, path: url.pathname, error: String(error) });
      reply = json(500, { error: 'internal error' });
    }

    res.statusCode = reply.status;
    res.setHeader('Content-Type', reply.contentType ?? 'text/plain; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.end(reply.body);

    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (measured) {
      metrics.requestsInFlight.dec();
      metrics.requestDuration.observe(
        {
          http_request_method: method,
          http_route: routeLabel,
          http_response_status_code: String(reply.status),
        },
        seconds,
      );
      logger.info('request', {
        method,
        route: routeLabel,
        status: reply.status,
        durationMs: Math.round(seconds * 1000),
      });
    }
  };
}
