import {
  IncomingMessage,
  Server,
  ServerResponse,
  createServer,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { KubeObject } from './kubeObject';
import {
  RESOURCE_TYPES,
  ResourceType,
  VERBS,
  apiVersionOf,
  findType,
  groupVersions,
} from './resources';
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

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface TokenConfig {
  /** The user name in 403 messages; defaults to `paved-local`. */
  user?: string;
  /** Resources (plural, e.g. `pods`, or `pods/log`) this token may not read. */
  forbidden?: Array<{ resource: string }>;
}

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
  stop(): Promise<void>;
}

const GIT_VERSION = 'v1.32.4';

function status(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function sendJson(res: ServerResponse, code: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

function notFound(res: ServerResponse, t?: ResourceType, name?: string) {
  if (t && name) {
    sendJson(
      res,
      404,
      status(
        404,
        'NotFound',
        `${t.plural}${t.group ? `.${t.group}` : ''} "${name}" not found`,
        { name, group: t.group || undefined, kind: t.plural },
      ),
    );
  } else {
    sendJson(
      res,
      404,
      status(
        404,
        'NotFound',
        'the server could not find the requested resource',
      ),
    );
  }
}

function resourceList(group: string, version: string) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: RESOURCE_TYPES.filter(
      t => t.group === group && t.version === version,
    ).flatMap(t => {
      const main = {
        name: t.plural,
        singularName: t.singular,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: VERBS,
        ...(t.shortNames ? { shortNames: t.shortNames } : {}),
        ...(t.categories ? { categories: t.categories } : {}),
      };
      const subs =
        t.plural === 'pods'
          ? [
              {
                name: 'pods/log',
                singularName: '',
                namespaced: true,
                kind: 'Pod',
                verbs: ['get'],
              },
            ]
          : [];
      return [main, ...subs];
    }),
  };
}

function apiGroup(group: string) {
  const versions = groupVersions()
    .filter(g => g.group === group)
    .map(g => ({
      groupVersion: `${g.group}/${g.version}`,
      version: g.version,
    }));
  return { name: group, versions, preferredVersion: versions[0] };
}

/**
 * A local stand-in for one cluster's Kubernetes API server: discovery, get,
 * list and watch of the resources Paved and the official plugin read, pod
 * logs, bearer-token auth and RBAC-like 403s.
 */
export class LocalKubeApiServer {
  private constructor(
    private readonly cluster: ClusterState,
    private readonly opts: StartOptions,
  ) {}

  static async start(opts: StartOptions): Promise<RunningServer> {
    const cluster = ClusterState.create(opts.scenario, {
      historySize: opts.historySize,
    });
    const srv = new LocalKubeApiServer(cluster, opts);
    const sockets = new Set<import('node:net').Socket>();
    const closers = new Set<() => void>();
    const requests: ReceivedRequest[] = [];
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const query = Object.fromEntries(url.searchParams);
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query,
        watch: ['1', 'true'].includes(query.watch ?? ''),
      });
      srv.handle(req, res, closers).catch(e => {
        if (!res.headersSent)
          sendJson(res, 500, status(500, 'InternalError', String(e)));
        else res.end();
      });
    };
    const tls = opts.tls === 'self-signed' ? selfSignedCertificate() : opts.tls;
    const server: Server = tls
      ? createHttpsServer(tls, handler)
      : createServer(handler);
    server.on('connection', (s: import('node:net').Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `${tls ? 'https' : 'http'}://${opts.host ?? '127.0.0.1'}:${port}`,
      cluster,
      requests,
      dropWatches: () => {
        for (const c of [...closers]) c();
      },
      stop: () =>
        new Promise<void>(resolve => {
          for (const c of [...closers]) c();
          server.close(() => resolve());
          for (const s of sockets) s.destroy();
        }),
    };
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    closers: Set<() => void>,
  ) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (['/healthz', '/livez', '/readyz'].includes(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    const token = m ? this.opts.tokens[m[1].trim()] : undefined;
    if (!token) {
      sendJson(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    if (req.method !== 'GET') {
      sendJson(
        res,
        405,
        status(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        ),
      );
      return;
    }

    // Discovery.
    if (path === '/version') {
      sendJson(res, 200, {
        major: '1',
        minor: '32',
        gitVersion: GIT_VERSION,
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2026-01-01T00:00:00Z',
        goVersion: 'go1.23.6',
        compiler: 'gc',
        platform: 'linux/amd64',
        emulationMajor: '1',
        emulationMinor: '32',
      });
      return;
    }
    if (path === '/api') {
      sendJson(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [
          { clientCIDR: '0.0.0.0/0', serverAddress: req.headers.host ?? '' },
        ],
      });
      return;
    }
    if (path === '/api/v1') {
      sendJson(res, 200, resourceList('', 'v1'));
      return;
    }
    if (path === '/apis') {
      const groups = [...new Set(groupVersions().map(g => g.group))];
      sendJson(res, 200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups.map(apiGroup),
      });
      return;
    }
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api' && parts[1] === 'v1') {
      group = '';
      version = 'v1';
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 2) {
      group = parts[1];
      if (parts.length === 2) {
        if (groupVersions().some(g => g.group === group)) {
          sendJson(res, 200, {
            kind: 'APIGroup',
            apiVersion: 'v1',
            ...apiGroup(group),
          });
        } else notFound(res);
        return;
      }
      version = parts[2];
      if (
        !groupVersions().some(g => g.group === group && g.version === version)
      ) {
        notFound(res);
        return;
      }
      if (parts.length === 3) {
        sendJson(res, 200, resourceList(group, version));
        return;
      }
      rest = parts.slice(3);
    } else {
      notFound(res);
      return;
    }

    // Resource paths: [namespaces/{ns}/]{plural}[/{name}[/{sub}]]
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && group === '') {
      namespace = rest[1];
      rest = rest.slice(2);
    } else if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, sub, ...extra] = rest;
    const type = findType(group, version, plural);
    if (
      !type ||
      extra.length ||
      (namespace !== undefined && !type.namespaced) ||
      (sub && !(type.plural === 'pods' && sub === 'log'))
    ) {
      notFound(res);
      return;
    }
    const watch = ['1', 'true'].includes(url.searchParams.get('watch') ?? '');
    let verb = watch ? 'watch' : 'list';
    if (name) verb = 'get';
    const resourceName = sub ? `${plural}/${sub}` : plural;
    if (
      token.forbidden?.some(
        f => f.resource === resourceName || (f.resource === plural && !sub),
      )
    ) {
      const user = token.user ?? 'paved-local';
      const scope = namespace
        ? `in the namespace "${namespace}"`
        : 'at the cluster scope';
      const subject = name ? `${plural} "${name}"` : plural;
      sendJson(
        res,
        403,
        status(
          403,
          'Forbidden',
          `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resourceName}" in API group "${type.group}" ${scope}`,
          {
            ...(name ? { name } : {}),
            ...(type.group ? { group: type.group } : {}),
            kind: plural,
          },
        ),
      );
      return;
    }

    if (name) {
      const obj = this.cluster.get(
        type,
        type.namespaced ? namespace : undefined,
        name,
      );
      if (!obj || (type.namespaced && namespace === undefined)) {
        notFound(res, type, name);
        return;
      }
      if (sub === 'log') {
        this.sendLogs(res, url, obj);
        return;
      }
      sendJson(
        res,
        200,
        wantsTable(req.headers.accept)
          ? toTable(type, [obj], obj.metadata.resourceVersion!)
          : obj,
      );
      return;
    }

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
        sendJson(res, 400, status(400, 'BadRequest', e.message));
        return;
      }
      throw e;
    }

    if (watch) {
      this.watch(req, res, url, filter, closers);
      return;
    }
    if (wantsTable(req.headers.accept)) {
      const rv = String(this.cluster.resourceVersion);
      sendJson(res, 200, toTable(type, this.cluster.list(type, filter), rv));
      return;
    }
    sendJson(res, 200, {
      kind: `${type.kind}List`,
      apiVersion: apiVersionOf(type),
      metadata: { resourceVersion: String(this.cluster.resourceVersion) },
      items: this.cluster.list(type, filter),
    });
  }

  private sendLogs(res: ServerResponse, url: URL, pod: KubeObject) {
    const containers: string[] = (pod.spec?.containers ?? []).map(
      (c: any) => c.name,
    );
    const container = url.searchParams.get('container') || containers[0];
    if (!containers.includes(container)) {
      sendJson(
        res,
        400,
        status(
          400,
          'BadRequest',
          `container ${container} is not valid for pod ${pod.metadata.name}`,
        ),
      );
      return;
    }
    if (!pod.status?.containerStatuses) {
      sendJson(
        res,
        400,
        status(
          400,
          'BadRequest',
          `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`,
        ),
      );
      return;
    }
    let lines =
      this.cluster.logsFor(
        pod.metadata.namespace!,
        pod.metadata.name,
        container,
      ) ?? [];
    const tail = url.searchParams.get('tailLines');
    if (tail !== null && /^\d+$/.test(tail))
      lines = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
    const body = lines.length ? `${lines.join('\n')}\n` : '';
    res.writeHead(200, {
      'Content-Type': 'text/plain',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    filter: WatchFilter,
    closers: Set<() => void>,
  ) {
    const rvParam = url.searchParams.get('resourceVersion');
    const bookmarks = url.searchParams.get('allowWatchBookmarks') === 'true';
    const timeout = Number(url.searchParams.get('timeoutSeconds') ?? '0');
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    const table = wantsTable(req.headers.accept);
    const write = (type: string, object: any) => {
      if (res.writableEnded) return;
      const o =
        table && type !== 'ERROR' && type !== 'BOOKMARK'
          ? toTable(filter.type, [object], object.metadata.resourceVersion)
          : object;
      res.write(`${JSON.stringify({ type, object: o })}\n`);
    };
    // Subscribe first so nothing is lost between replay and live events.
    const queue: Array<[string, KubeObject]> = [];
    let live = false;
    const unsubscribe = this.cluster.subscribe(filter, (type, object) => {
      if (live) write(type, object);
      else queue.push([type, object]);
    });
    let lastRv: number;
    if (!rvParam || rvParam === '0') {
      for (const o of this.cluster.list(filter.type, filter)) write('ADDED', o);
      lastRv = this.cluster.resourceVersion;
    } else {
      const since = Number(rvParam);
      const events = Number.isFinite(since)
        ? this.cluster.eventsSince(filter, since)
        : undefined;
      if (!events) {
        write(
          'ERROR',
          status(
            410,
            'Expired',
            `too old resource version: ${rvParam} (${this.cluster.oldestResourceVersion})`,
          ),
        );
        unsubscribe();
        res.end();
        return;
      }
      for (const e of events) write(e.type, e.object);
      lastRv = events.length ? events[events.length - 1].rv : since;
    }
    for (const [type, object] of queue) {
      if (Number(object.metadata.resourceVersion) > lastRv) write(type, object);
    }
    live = true;

    const timers: NodeJS.Timeout[] = [];
    const close = () => {
      unsubscribe();
      timers.forEach(t => clearTimeout(t));
      closers.delete(close);
      if (!res.writableEnded) res.end();
    };
    closers.add(close);
    if (bookmarks) {
      const t = setInterval(() => {
        write('BOOKMARK', {
          kind: filter.type.kind,
          apiVersion: apiVersionOf(filter.type),
          metadata: { resourceVersion: String(this.cluster.resourceVersion) },
        });
      }, this.opts.bookmarkIntervalMs ?? 5000);
      timers.push(t);
    }
    if (timeout > 0) timers.push(setTimeout(close, timeout * 1000));
    req.on('close', close);
    res.on('close', close);
  }
}
