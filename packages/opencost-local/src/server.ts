import {
  IncomingMessage,
  Server,
  ServerResponse,
  createServer,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataOptions, queryAllocations } from './allocation';
import { OpenCostHttpError } from './errors';
import { DAY_MS } from './model';
import { ALLOCATION_PATHS, allocationQueryOf } from './request';
import type { CostScenario, ScenarioCluster } from './scenario';

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

const DEFAULT_HISTORY_DAYS = 400;
const DEFAULT_SPIKE = { service: 'product-catalog-service', daysAgo: 3 };

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
  readonly #clusters: ScenarioCluster[];
  readonly #token: string | undefined;
  readonly #now: () => Date;
  /** The cost model's fixed points, set when the server starts. */
  readonly #model: Omit<DataOptions, 'now'>;

  static async start(options: StartOptions): Promise<RunningOpenCost> {
    const openCost = new LocalOpenCost(options);
    const server: Server = createServer((req, res) =>
      openCost.#handle(req, res),
    );
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, resolve);
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${host}:${port}`;
    return {
      url,
      clusterUrls: Object.fromEntries(
        openCost.#clusters.map(c => [c.name, `${url}/${c.name}`]),
      ),
      stop: () =>
        new Promise<void>(resolve => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  private constructor(options: StartOptions) {
    this.#clusters = options.scenario.clusters;
    this.#token = options.token;
    this.#now = options.now ?? (() => new Date());
    const startedDay = Math.floor(this.#now().getTime() / DAY_MS) * DAY_MS;
    const spike = options.spike ?? DEFAULT_SPIKE;
    this.#model = {
      spikeService: spike.service,
      spikeDay: startedDay - spike.daysAgo * DAY_MS,
      historyStart:
        startedDay - (options.historyDays ?? DEFAULT_HISTORY_DAYS) * DAY_MS,
    };
  }

  #handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (this.#token && req.headers.authorization !== `Bearer ${this.#token}`) {
      send(res, 401, 'Unauthorized\n');
      return;
    }
    const { path, clusters } = this.#select(url.pathname);
    if (path === '/healthz') {
      send(res, 200, '');
      return;
    }
    if (!ALLOCATION_PATHS.has(path) || req.method !== 'GET') {
      send(res, 404, '404 page not found\n');
      return;
    }
    try {
      const now = this.#now().getTime();
      const query = allocationQueryOf(url.searchParams, now);
      const data = queryAllocations(clusters, query, { ...this.#model, now });
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
  }

  /** `/<cluster>/...` selects one cluster; any other path all of them. */
  #select(pathname: string): { path: string; clusters: ScenarioCluster[] } {
    const path = pathname.replace(/\/+$/, '') || '/';
    const first = path.split('/')[1];
    const cluster = this.#clusters.find(c => c.name === first);
    if (!cluster) return { path, clusters: this.#clusters };
    return { path: path.slice(first.length + 1) || '/', clusters: [cluster] };
  }
}
