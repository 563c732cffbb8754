import {
  IncomingMessage,
  Server,
  ServerResponse,
  createServer,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo, Socket } from 'node:net';
import { handleFaultRequest, KubeFault } from './faults';
import { sendPodLog } from './podLog';
import { apiVersionOf } from './resources';
import {
  kubeStatus,
  objectNotFound,
  pathNotFound,
  sendJson,
  sendStatus,
} from './responses';
import { ResourceRequest, routeOf } from './routes';
import { Scenario } from './scenario';
import {
  SelectorError,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import { ClusterState } from './state/ClusterState';
import { WatchFilter } from './state/watch';
import { toTable, wantsTable } from './table';
import { selfSignedCertificate } from './tls';
import { TokenConfig, forbiddenStatus, tokenOf } from './tokens';
import { streamWatch } from './watchStream';

export type { TokenConfig } from './tokens';

export interface StartOptions {
  /** 0 or absent: a random free port. */
  port?: number;
  host?: string;
  scenario: Scenario;
  tokens: Record<string, TokenConfig>;
  /** Number of changes kept for resuming watches (default 1000). */
  historySize?: number;
  /**
   * Serve HTTPS: a key and certificate, or `'self-signed'` for a throw-away
   * one (needs `openssl`). kubectl only sends tokens over HTTPS.
   */
  tls?: { key: string; cert: string } | 'self-signed';
  /** Interval of BOOKMARK events on watches that ask for them (default 5s). */
  bookmarkIntervalMs?: number;
  /**
   * Turns on the fault switch at `PUT|DELETE|GET /__stand-in/fault`, which
   * then needs `Authorization: Bearer <adminToken>` and answers only on
   * loopback. Without it the path does not exist.
   */
  adminToken?: string;
}

/** One request the server received, for tests that count API calls. */
export interface ReceivedRequest {
  method: string;
  /** The path without the query, e.g. `/apis/apps/v1/deployments`. */
  path: string;
  query: Record<string, string>;
  watch: boolean;
}

export interface RunningServer {
  url: string;
  cluster: ClusterState;
  /** Every request received since start, oldest first. */
  requests: ReceivedRequest[];
  /** Ends every open watch stream, as a load balancer dropping connections. */
  dropWatches(): void;
  /**
   * `error`: every request from now on is answered with `status` (default
   * 500) until cleared with `undefined`. `drop-watches`: ends every open
   * watch stream now (as `dropWatches`), leaving any lasting fault as it is.
   */
  setFault(fault: KubeFault | undefined): void;
  /** The lasting fault in force, if any. */
  readonly fault: KubeFault | undefined;
  stop(): Promise<void>;
}

const HEALTH_PATHS = ['/healthz', '/livez', '/readyz'];
const DEFAULT_BOOKMARK_INTERVAL_MS = 5000;

function isWatch(query: URLSearchParams): boolean {
  return ['1', 'true'].includes(query.get('watch') ?? '');
}

/**
 * A local stand-in for one cluster's Kubernetes API server: discovery, get,
 * list and watch of the resources Paved and the official plugin read, pod
 * logs, bearer-token auth and RBAC-like 403s.
 */
export class LocalKubeApiServer {
  readonly #cluster: ClusterState;
  readonly #tokens: Record<string, TokenConfig>;
  readonly #bookmarkIntervalMs: number;
  readonly #requests: ReceivedRequest[] = [];
  /** Closers of the open watch streams. */
  readonly #openWatches = new Set<() => void>();
  readonly #adminToken: string | undefined;
  #fault: KubeFault | undefined;

  static async start(opts: StartOptions): Promise<RunningServer> {
    const cluster = ClusterState.create(opts.scenario, {
      historySize: opts.historySize,
    });
    const apiServer = new LocalKubeApiServer(cluster, opts);
    const tls = opts.tls === 'self-signed' ? selfSignedCertificate() : opts.tls;
    const host = opts.host ?? '127.0.0.1';
    const listener = (req: IncomingMessage, res: ServerResponse) =>
      apiServer.#receive(req, res).catch(() => res.destroy());
    const server: Server = tls
      ? createHttpsServer(tls, listener)
      : createServer(listener);
    const sockets = new Set<Socket>();
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `${tls ? 'https' : 'http'}://${host}:${port}`,
      cluster,
      requests: apiServer.#requests,
      dropWatches: () => apiServer.#closeWatches(),
      setFault: fault => {
        apiServer.#setFault(fault);
      },
      get fault() {
        return apiServer.#fault;
      },
      stop: () =>
        new Promise<void>(resolve => {
          apiServer.#closeWatches();
          server.close(() => resolve());
          for (const s of sockets) s.destroy();
        }),
    };
  }

  private constructor(cluster: ClusterState, opts: StartOptions) {
    this.#cluster = cluster;
    this.#tokens = opts.tokens;
    this.#adminToken = opts.adminToken;
    this.#bookmarkIntervalMs =
      opts.bookmarkIntervalMs ?? DEFAULT_BOOKMARK_INTERVAL_MS;
  }

  /** Ends the open watches; how many there were. */
  #closeWatches(): number {
    const open = [...this.#openWatches];
    for (const close of open) close();
    return open.length;
  }

  #setFault(fault: KubeFault | undefined): object {
    if (fault?.kind === 'drop-watches') {
      return { dropped: this.#closeWatches(), fault: this.#fault ?? null };
    }
    this.#fault = fault;
    return { fault: fault ?? null };
  }

  async #receive(req: IncomingMessage, res: ServerResponse) {
    if (
      this.#adminToken &&
      (await handleFaultRequest(req, res, {
        adminToken: this.#adminToken,
        current: () => this.#fault,
        set: fault => this.#setFault(fault),
      }))
    ) {
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    this.#requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      watch: ['1', 'true'].includes(query.watch ?? ''),
    });
    if (this.#fault?.kind === 'error') {
      const code = this.#fault.status ?? 500;
      sendStatus(
        res,
        kubeStatus(
          code,
          code === 503 ? 'ServiceUnavailable' : 'InternalError',
          'Internal error occurred: stand-in fault: etcdserver: request timed out',
        ),
      );
      return;
    }
    try {
      this.#handle(req, res, url);
    } catch (e) {
      if (!res.headersSent) {
        sendStatus(res, kubeStatus(500, 'InternalError', String(e)));
      } else res.end();
    }
  }

  #handle(req: IncomingMessage, res: ServerResponse, url: URL) {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (HEALTH_PATHS.includes(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    const token = tokenOf(req.headers.authorization, this.#tokens);
    if (!token) {
      sendStatus(res, kubeStatus(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    if (req.method !== 'GET') {
      sendStatus(
        res,
        kubeStatus(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        ),
      );
      return;
    }
    const route = routeOf(path, req.headers.host ?? '');
    if (route.kind === 'discovery') {
      sendJson(res, 200, route.document);
      return;
    }
    if (route.kind === 'notFound') {
      sendStatus(res, pathNotFound());
      return;
    }
    const forbidden = forbiddenStatus(
      token,
      route.request,
      isWatch(url.searchParams),
    );
    if (forbidden) {
      sendStatus(res, forbidden);
      return;
    }
    if (route.request.name) {
      this.#getObject(req, res, url, route.request);
    } else {
      this.#listObjects(req, res, url, route.request);
    }
  }

  /** `get` of one object, or its log. */
  #getObject(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    request: ResourceRequest,
  ) {
    const { type, namespace, subresource } = request;
    const name = request.name!;
    const object = this.#cluster.get(
      type,
      type.namespaced ? namespace : undefined,
      name,
    );
    // A namespaced object is only found under its namespace's path.
    if (!object || (type.namespaced && namespace === undefined)) {
      sendStatus(res, objectNotFound(type, name));
      return;
    }
    if (subresource === 'log') {
      sendPodLog(res, url, object, this.#cluster);
      return;
    }
    sendJson(
      res,
      200,
      wantsTable(req.headers.accept)
        ? toTable(type, [object], object.metadata.resourceVersion!)
        : object,
    );
  }

  /** `list` or `watch`, narrowed by namespace and selectors. */
  #listObjects(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    request: ResourceRequest,
  ) {
    const { type, namespace } = request;
    let filter: WatchFilter;
    try {
      filter = {
        type,
        namespace,
        labels: parseLabelSelector(url.searchParams.get('labelSelector')),
        fields: parseFieldSelector(
          url.searchParams.get('fieldSelector'),
          type.kind,
        ),
      };
    } catch (e) {
      if (e instanceof SelectorError) {
        sendStatus(res, kubeStatus(400, 'BadRequest', e.message));
        return;
      }
      throw e;
    }
    if (isWatch(url.searchParams)) {
      streamWatch({
        req,
        res,
        url,
        filter,
        cluster: this.#cluster,
        openWatches: this.#openWatches,
        bookmarkIntervalMs: this.#bookmarkIntervalMs,
      });
      return;
    }
    const resourceVersion = String(this.#cluster.resourceVersion);
    const items = this.#cluster.list(type, filter);
    if (wantsTable(req.headers.accept)) {
      sendJson(res, 200, toTable(type, items, resourceVersion));
      return;
    }
    sendJson(res, 200, {
      kind: `${type.kind}List`,
      apiVersion: apiVersionOf(type),
      metadata: { resourceVersion },
      items,
    });
  }
}
