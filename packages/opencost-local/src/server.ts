import {
  IncomingMessage,
  Server,
  ServerResponse,
  createServer,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataOptions, queryAllocations } from './allocation';
import { OpenCostHttpError } from './errors';
import { handleFaultRequest, OpenCostFault } from './faults';
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
  /**
   * Turns on the fault switch at `PUT|DELETE|GET /__stand-in/fault`, which
   * then needs `Authorization: Bearer <adminToken>` and answers only on
   * loopback. Without it the path does not exist.
   */
  adminToken?: string;
  /**
   * The longest a request is held under the `timeout` fault before its
   * connection is dropped unanswered (so nothing hangs for ever). Default
   * 5 minutes, longer than any client's timeout.
   */
  maxHangMs?: number;
}

export interface RunningOpenCost {
  /** The base URL serving every cluster, like a federated OpenCost. */
  url: string;
  /** The base URL of each cluster: `<url>/<cluster>` (one OpenCost each). */
  clusterUrls: Record<string, string>;
  /**
   * Sets (or with `undefined` clears) the fault every request meets from
   * now on: `error` answers with `status` (default 500) and OpenCost's JSON
   * error body; `timeout` holds the request unanswered until the client
   * gives up, `maxHangMs` passes or the server stops. Requests already held
   * stay held when the fault is cleared, as they would at a stuck server.
   */
  setFault(fault: OpenCostFault | undefined): void;
  /** The fault in force, if any. */
  readonly fault: OpenCostFault | undefined;
  stop(): Promise<void>;
}

const DEFAULT_HISTORY_DAYS = 400;
const DEFAULT_SPIKE = { service: 'product-catalog-service', daysAgo: 3 };
const DEFAULT_MAX_HANG_MS = 5 * 60_000;

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
  readonly #adminToken: string | undefined;
  readonly #maxHangMs: number;
  #fault: OpenCostFault | undefined;
  /** Ends the requests held by the `timeout` fault. */
  readonly #held = new Set<() => void>();

  static async start(options: StartOptions): Promise<RunningOpenCost> {
    const openCost = new LocalOpenCost(options);
    const server: Server = createServer((req, res) => {
      openCost.#receive(req, res).catch(e => {
        if (!res.headersSent) send(res, 500, `${e}\n`);
        else res.destroy();
      });
    });
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
      setFault: fault => {
        openCost.#fault = fault;
      },
      get fault() {
        return openCost.#fault;
      },
      stop: () =>
        new Promise<void>(resolve => {
          for (const release of [...openCost.#held]) release();
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  private constructor(options: StartOptions) {
    this.#clusters = options.scenario.clusters;
    this.#token = options.token;
    this.#adminToken = options.adminToken;
    this.#maxHangMs = options.maxHangMs ?? DEFAULT_MAX_HANG_MS;
    this.#now = options.now ?? (() => new Date());
    const startedDay = Math.floor(this.#now().getTime() / DAY_MS) * DAY_MS;
    const spike = options.spike ?? DEFAULT_SPIKE;
    this.#model = {
      spikeService: spike.service,
      spikeDay: startedDay - spike.daysAgo * DAY_MS,
      today: startedDay,
      historyStart:
        startedDay - (options.historyDays ?? DEFAULT_HISTORY_DAYS) * DAY_MS,
    };
  }

  async #receive(req: IncomingMessage, res: ServerResponse) {
    if (
      this.#adminToken &&
      (await handleFaultRequest(req, res, {
        adminToken: this.#adminToken,
        current: () => this.#fault,
        set: fault => {
          this.#fault = fault;
        },
      }))
    ) {
      return;
    }
    const fault = this.#fault;
    if (fault?.kind === 'timeout') {
      this.#hold(res);
      return;
    }
    if (fault?.kind === 'error') {
      const status = fault.status ?? 500;
      send(res, status, {
        code: status,
        status: '',
        data: null,
        message: 'Error: stand-in fault: the allocation query failed',
      });
      return;
    }
    this.#handle(req, res);
  }

  /** Keeps a request unanswered until its client leaves or the bound. */
  #hold(res: ServerResponse) {
    let timer: NodeJS.Timeout | undefined = undefined;
    const release = () => {
      clearTimeout(timer);
      this.#held.delete(release);
      res.destroy();
    };
    timer = setTimeout(release, this.#maxHangMs);
    timer.unref();
    this.#held.add(release);
    res.on('close', release);
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
