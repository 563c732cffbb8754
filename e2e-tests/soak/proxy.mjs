// @ts-check
/*
 * A small round-robin HTTP load balancer for the soak: it forwards each
 * request to the next live replica, as a Kubernetes Service or an ingress
 * would. A replica is live while its readiness endpoint answers 200 (checked
 * every second); a request that reaches a replica which then dies, or that
 * arrives while none is live, is answered 502 as a load balancer does, and
 * the soak's clients retry it.
 *
 * The answer carries `x-soak-replica` (the index of the replica that
 * answered, or `none`), so the soak can name where a 5xx came from. A client
 * may ask for a replica with `x-soak-prefer: <index>`; when that one is not
 * live, the next live one answers (used to send the same batch to two
 * different replicas).
 */
import http from 'node:http';

/**
 * @typedef {{ port: number, live: boolean }} Upstream
 * @typedef {{ close(): Promise<void>, upstreams: Upstream[] }} RunningProxy
 */

const READINESS = '/.backstage/health/v1/readiness';

/** @param {number} port */
async function isReady(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${READINESS}`, {
      signal: AbortSignal.timeout(2000),
    });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * @param {{ port: number, upstreamPorts: number[] }} options
 * @returns {Promise<RunningProxy>}
 */
export async function startProxy({ port, upstreamPorts }) {
  /** @type {Upstream[]} */
  const upstreams = upstreamPorts.map(p => ({ port: p, live: false }));
  let next = 0;

  /** @param {number | undefined} preferred */
  const pick = preferred => {
    for (let i = 0; i < upstreams.length; i++) {
      const index =
        preferred === undefined
          ? (next + i) % upstreams.length
          : (preferred + i) % upstreams.length;
      if (upstreams[index].live) {
        if (preferred === undefined) next = (index + 1) % upstreams.length;
        return index;
      }
    }
    return undefined;
  };

  /**
   * @param {http.ServerResponse} res
   * @param {string} replica
   * @param {string} message
   */
  const badGateway = (res, replica, message) => {
    if (res.headersSent) {
      // The replica died mid-answer: the client sees the connection cut.
      res.destroy();
      return;
    }
    res.writeHead(502, {
      'content-type': 'application/json',
      'x-soak-replica': replica,
    });
    res.end(JSON.stringify({ error: { name: 'BadGatewayError', message } }));
  };

  const server = http.createServer((req, res) => {
    const preferHeader = req.headers['x-soak-prefer'];
    const preferred =
      typeof preferHeader === 'string' ? Number(preferHeader) : undefined;
    const index = pick(preferred);
    if (index === undefined) {
      req.resume();
      badGateway(res, 'none', 'no live replica');
      return;
    }
    const upstream = upstreams[index];
    const headers = { ...req.headers };
    delete headers['x-soak-prefer'];
    const forward = http.request(
      {
        host: '127.0.0.1',
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, {
          ...answer.headers,
          'x-soak-replica': String(index),
        });
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    forward.on('error', error => {
      // Until the health check notices, a dead replica stays in the
      // rotation; a real load balancer answers those requests 502 as well.
      upstream.live = false;
      badGateway(res, String(index), `replica ${index}: ${error.message}`);
    });
    req.pipe(forward);
  });

  let checking = true;
  const healthChecks = (async () => {
    while (checking) {
      await Promise.all(
        upstreams.map(async u => {
          u.live = await isReady(u.port);
        }),
      );
      await new Promise(r => setTimeout(r, 1000));
    }
  })();

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });

  return {
    upstreams,
    async close() {
      checking = false;
      await healthChecks;
      server.closeAllConnections();
      await new Promise(resolve => server.close(() => resolve(undefined)));
    },
  };
}
