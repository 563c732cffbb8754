import {
  IncomingMessage,
  Server,
  ServerResponse,
  createServer,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  OpenCostHttpError,
  parseAggregate,
  parseDuration,
  parseWindow,
  queryAllocations,
} from './allocation';
import { DAY_MS } from './model';
import type { CostScenario } from './scenario';

export interface StartOptions {
  scenario: CostScenario;
  /** 0 or absent: a random free port. */
  port?: number;
  host?: string;
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** The clock; tests pin it. Default: the real time. */
  now?: () => Date;
  /** How many days back the clusters have data. Default 400. */
  historyDays?: number;
  /**
   * The production service with one day of runaway cost, and how many days
   * before the server started that day is. Default: product-catalog-service,
   * 3 days ago.
   */
  spike?: { service: string; daysAgo: number };
}

export interface RunningOpenCost {
  /** The base URL serving every cluster, like a federated OpenCost. */
  url: string;
  /** The base URL of each cluster: `<url>/<cluster>` (one OpenCost each). */
  clusterUrls: Record<string, string>;
  stop(): Promise<void>;
}

const ALLOCATION_PATHS = new Set([
  '/allocation',
  '/allocation/compute',
  // The OpenCost UI proxies the API under /model/.
  '/model/allocation',
  '/model/allocation/compute',
]);

function bool(value: string | null, fallback: boolean) {
  if (value === null) return fallback;
  return value.toLowerCase() === 'true' || value === '1';
}

function send(res: ServerResponse, status: number, body: string | object) {
  if (typeof body === 'string') {
    res.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * A local stand-in for OpenCost's allocation API. Serves every cluster of
 * the scenario at `/allocation` and each one at `/<cluster>/allocation`.
 */
export class LocalOpenCost {
  static async start(options: StartOptions): Promise<RunningOpenCost> {
    const now = options.now ?? (() => new Date());
    const startedDay = Math.floor(now().getTime() / DAY_MS) * DAY_MS;
    const spike = options.spike ?? {
      service: 'product-catalog-service',
      daysAgo: 3,
    };
    const model = {
      spikeService: spike.service,
      spikeDay: startedDay - spike.daysAgo * DAY_MS,
      historyStart: startedDay - (options.historyDays ?? 400) * DAY_MS,
    };
    const clusters = options.scenario.clusters;

    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (options.token) {
        const auth = req.headers.authorization ?? '';
        if (auth !== `Bearer ${options.token}`) {
          send(res, 401, 'Unauthorized\n');
          return;
        }
      }
      let path = url.pathname.replace(/\/+$/, '') || '/';
      let selected = clusters;
      const first = path.split('/')[1];
      const cluster = clusters.find(c => c.name === first);
      if (cluster) {
        selected = [cluster];
        path = path.slice(first.length + 1) || '/';
      }
      if (path === '/healthz') {
        send(res, 200, '');
        return;
      }
      if (!ALLOCATION_PATHS.has(path) || req.method !== 'GET') {
        send(res, 404, '404 page not found\n');
        return;
      }
      try {
        const q = url.searchParams;
        const at = now().getTime();
        const window = parseWindow(q.get('window') ?? '', at);
        const aggregate = parseAggregate(q.get('aggregate'));
        const includeIdle = bool(q.get('includeIdle'), false);
        if (
          bool(q.get('includeProportionalAssetResourceCosts'), false) &&
          !includeIdle
        ) {
          throw new OpenCostHttpError(400, {
            code: 400,
            status: '',
            data: null,
            message:
              'Error: bad request - includeIdle must be set true if includeProportionalAssetResourceCosts is true',
          });
        }
        const data = queryAllocations(
          selected,
          {
            window,
            step: parseDuration(q.get('step')),
            aggregate,
            // accumulateBy=all is the newer spelling of accumulate=true.
            accumulate:
              bool(q.get('accumulate'), false) ||
              q.get('accumulateBy') === 'all',
            includeIdle,
            shareIdle: bool(q.get('shareIdle'), false),
            includeAggregatedMetadata: bool(
              q.get('includeAggregatedMetadata'),
              false,
            ),
          },
          { ...model, now: at },
        );
        send(res, 200, { code: 200, status: 'success', data });
      } catch (e) {
        if (e instanceof OpenCostHttpError) {
          send(res, e.status, e.body);
          return;
        }
        send(res, 500, {
          code: 500,
          status: '',
          data: null,
          message: `Error: ${(e as Error).message}`,
        });
      }
    };

    const server: Server = createServer(handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const host = options.host ?? '127.0.0.1';
    const url = `http://${host}:${port}`;
    return {
      url,
      clusterUrls: Object.fromEntries(
        clusters.map(c => [c.name, `${url}/${c.name}`]),
      ),
      stop: () =>
        new Promise<void>(resolve => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }
}
