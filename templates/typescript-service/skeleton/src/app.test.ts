import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp, type AppState } from './app.ts';
import { silentLogger } from './log.ts';
import { createMetrics } from './metrics.ts';

describe('service', () => {
  const state: AppState = { ready: true };
  let server: Server;
  let base: string;

  before(async () => {
    const app = createApp({
      serviceName: 'test-service',
      metrics: createMetrics({ defaultMetrics: false }),
      logger: silentLogger,
      state,
    });
    server = createServer((req, res) => void app(req, res));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>(resolve => server.close(() => resolve())));

  it('answers /healthz', async () => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('fails /readyz once shutdown begins, while /healthz stays up', async () => {
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    state.ready = false;
    try {
      assert.equal((await fetch(`${base}/readyz`)).status, 503);
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
    } finally {
      state.ready = true;
    }
  });

  it('greets on the example route', async () => {
    const res = await fetch(`${base}/api/hello?name=Fernhill`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { message: 'Hello, Fernhill!', service: 'test-service' });
    assert.equal((await fetch(`${base}/api/hello?name=`)).status, 400);
  });

  it('answers 404 and 405', async () => {
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    const res = await fetch(`${base}/api/hello`, { method: 'POST' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET');
  });

  it('exposes Prometheus metrics for measured routes only', async () => {
    await fetch(`${base}/api/hello`);
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const body = await res.text();
    assert.match(
      body,
      /http_server_request_duration_seconds_count\{http_request_method="GET",http_route="\/api\/hello",http_response_status_code="200"\} [1-9]/,
    );
    assert.match(body, /http_route="unmatched",http_response_status_code="404"/);
    assert.doesNotMatch(body, /http_route="\/healthz"/);
    assert.match(body, /# TYPE http_server_active_requests gauge/);
    assert.match(body, /example_greetings_total [1-9]/);
  });
});
