/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectCounts"] }] */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { formatDay } from '@paved/plugin-cost-common';
import {
  PrometheusRequestCounts,
  type RequestCountSource,
} from './PrometheusRequestCounts';
import {
  startPrometheus,
  type PrometheusTestInstance,
} from './testing/startPrometheus';

const DAY = 86_400;
const SECRET = 'Bearer do-not-leak-me';

// Ten complete UTC days before today, sampled every 150 s: often enough
// that each 5-minute rate window holds at least two samples, sparse enough
// to backfill quickly.
const today = Math.floor(Date.now() / 1000 / DAY) * DAY;
const start = today - 10 * DAY;
const dayOf = (i: number) => formatDay((start + i * DAY) * 1000);

/** Requests per second served on day i (0..9), per series. */
const checkoutGetRate = (i: number) => 1 + i;
const checkoutPostRate = () => 0.5;
const searchRate = () => 10;
const paymentsRate = (i: number) => 2 * (i + 1);

function counter(
  name: string,
  labels: string,
  ratePerDay: (i: number) => number,
): string[] {
  const lines: string[] = [];
  let value = 0;
  for (let t = start; t <= today; t += 150) {
    lines.push(`${name}{${labels}} ${value} ${t}`);
    value += ratePerDay(Math.floor((t - start) / DAY)) * 150;
  }
  return lines;
}

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {},
  };
}

/**
 * Within 0.1 %: the daily integral is exact up to floating point, and a
 * window taking one 5-minute point from the neighbouring day is off by more.
 */
function expectCounts(
  actual: Map<string, number>,
  expected: Map<string, number>,
) {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [day, count] of expected) {
    expect(Math.abs(actual.get(day)! - count)).toBeLessThanOrEqual(
      count * 0.001,
    );
  }
}

function allDays(ratePerDay: (i: number) => number) {
  return new Map(
    Array.from({ length: 10 }, (_, i) => [dayOf(i), ratePerDay(i) * DAY]),
  );
}

describe('PrometheusRequestCounts against a real Prometheus', () => {
  let prometheus: PrometheusTestInstance;
  let source: RequestCountSource;

  beforeAll(async () => {
    prometheus = await startPrometheus({
      openMetrics: [
        ...counter(
          'http_server_request_duration_seconds_count',
          'service_name="checkout",http_request_method="GET"',
          checkoutGetRate,
        ),
        ...counter(
          'http_server_request_duration_seconds_count',
          'service_name="checkout",http_request_method="POST"',
          checkoutPostRate,
        ),
        ...counter(
          'http_server_request_duration_seconds_count',
          'service_name="search"',
          searchRate,
        ),
        ...counter('payments_requests_total', 'app="payments"', paymentsRate),
      ].join('\n'),
    });
    source = PrometheusRequestCounts.fromConfig(
      mockServices.rootConfig({
        data: {
          cost: {
            prometheus: {
              baseUrl: prometheus.url,
              headers: { Authorization: SECRET },
              allowedRequestRateMetrics: [
                'http_server_request_duration_seconds_count',
                'payments_requests_total',
              ],
            },
          },
        },
      }),
      mockServices.logger.mock(),
    )!;
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  it('counts requests per day with the default OpenTelemetry query on the Kubernetes id', async () => {
    const checkout = component('checkout', {
      'backstage.io/kubernetes-id': 'checkout',
    });
    const counts = await source.dailyRequests(
      checkout,
      dayOf(0),
      formatDay(today * 1000),
    );
    // GET and POST are summed; the search service is not included.
    expectCounts(
      counts,
      allDays(i => checkoutGetRate(i) + checkoutPostRate()),
    );
  });

  it('counts requests with the entity’s request-rate annotation', async () => {
    const payments = component('payments', {
      'backstage.io/kubernetes-id': 'checkout', // the annotation wins
      'prometheus.io/request-rate-query':
        'sum(rate(payments_requests_total{app="payments"}[5m]))',
    });
    const counts = await source.dailyRequests(
      payments,
      dayOf(0),
      formatDay(today * 1000),
    );
    expectCounts(counts, allDays(paymentsRate));
  });

  it('runs an annotation in the documented template over the allowed metric by default', async () => {
    const byDefault = PrometheusRequestCounts.create({
      baseUrl: prometheus.url,
      logger: mockServices.logger.mock(),
    });
    const search = component('search-api', {
      'prometheus.io/request-rate-query':
        'sum(rate(http_server_request_duration_seconds_count{service_name="search"}[5m]))',
    });
    const counts = await byDefault.dailyRequests(search, dayOf(3), dayOf(4));
    expectCounts(counts, new Map([[dayOf(3), 10 * DAY]]));
  });

  it('refuses an annotation over a metric that is not allowed, before querying', async () => {
    const byDefault = PrometheusRequestCounts.create({
      baseUrl: prometheus.url,
      logger: mockServices.logger.mock(),
    });
    const payments = component('payments', {
      'prometheus.io/request-rate-query':
        'sum(rate(payments_requests_total{app="payments"}[5m]))',
    });
    await expect(
      byDefault.dailyRequests(payments, dayOf(0), dayOf(2)),
    ).rejects.toMatchObject({
      name: 'RequestRateQueryRefusedError',
      message: expect.stringContaining(
        'it reads payments_requests_total, which is not an allowed request metric (allowed: http_server_request_duration_seconds_count',
      ),
    });
  });

  it('returns only the days in [from, to)', async () => {
    const search = component('search', {
      'backstage.io/kubernetes-id': 'search',
    });
    const counts = await source.dailyRequests(search, dayOf(3), dayOf(5));
    expectCounts(
      counts,
      new Map([
        [dayOf(3), 10 * DAY],
        [dayOf(4), 10 * DAY],
      ]),
    );
  });

  it('returns no days for a service without series, or an entity without a query', async () => {
    const ghost = component('ghost', { 'backstage.io/kubernetes-id': 'ghost' });
    expect(await source.dailyRequests(ghost, dayOf(0), dayOf(10))).toEqual(
      new Map(),
    );
    expect(
      await source.dailyRequests(component('docs', {}), dayOf(0), dayOf(10)),
    ).toEqual(new Map());
  });

  it('fails clearly on a bad PromQL annotation, without leaking the headers', async () => {
    const broken = component('broken', {
      'prometheus.io/request-rate-query':
        'sum(rate(payments_requests_total[5m]',
    });
    const failure = source.dailyRequests(broken, dayOf(0), dayOf(10));
    await expect(failure).rejects.toThrow(
      /Prometheus failed the request counts of component:default\/broken \(HTTP 400, bad_data: .*parse error.*\); request-rate query: sum\(rate\(payments_requests_total\[5m\]$/,
    );
    await expect(failure).rejects.not.toThrow(SECRET);
  });

  it('rejects an invalid day', async () => {
    const search = component('search', {
      'backstage.io/kubernetes-id': 'search',
    });
    await expect(
      source.dailyRequests(search, '2026-13-01', dayOf(2)),
    ).rejects.toThrow("Invalid from '2026-13-01', expected YYYY-MM-DD");
  });
});

describe('PrometheusRequestCounts when Prometheus misbehaves', () => {
  const checkout = component('checkout', {
    'backstage.io/kubernetes-id': 'checkout',
  });

  it('reports a 5xx with Prometheus’ message and sends the configured headers', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'error',
          errorType: 'unavailable',
          error: 'too many queries',
        }),
      );
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const source = PrometheusRequestCounts.create({
        baseUrl: `http://127.0.0.1:${port}/prometheus/`,
        headers: { Authorization: SECRET },
        logger: mockServices.logger.mock(),
      });
      const failure = source.dailyRequests(
        checkout,
        '2026-03-01',
        '2026-03-03',
      );
      await expect(failure).rejects.toThrow(
        'Prometheus failed the request counts of component:default/checkout (HTTP 503, unavailable: too many queries)',
      );
      await expect(failure).rejects.not.toThrow(SECRET);
      expect(seen[0].authorization).toBe(SECRET);
    } finally {
      await new Promise(resolve => server.close(resolve));
    }
  });

  it('reports an unreachable Prometheus', async () => {
    const server = createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise(resolve => server.close(resolve)); // nothing listens now
    const source = PrometheusRequestCounts.create({
      baseUrl: `http://127.0.0.1:${port}`,
      logger: mockServices.logger.mock(),
    });
    await expect(
      source.dailyRequests(checkout, '2026-03-01', '2026-03-03'),
    ).rejects.toThrow(
      /^Could not reach Prometheus for the request counts of component:default\/checkout: fetch failed \(.*ECONNREFUSED/,
    );
  });
});

describe('PrometheusRequestCounts.fromConfig', () => {
  it('is undefined without cost.prometheus.baseUrl or with none', () => {
    const logger = mockServices.logger.mock();
    expect(
      PrometheusRequestCounts.fromConfig(mockServices.rootConfig(), logger),
    ).toBeUndefined();
    expect(
      PrometheusRequestCounts.fromConfig(
        mockServices.rootConfig({ data: { cost: { prometheus: {} } } }),
        logger,
      ),
    ).toBeUndefined();
    expect(
      PrometheusRequestCounts.fromConfig(
        mockServices.rootConfig({
          data: { cost: { prometheus: { baseUrl: 'none' } } },
        }),
        logger,
      ),
    ).toBeUndefined();
  });

  it('never logs the headers', () => {
    const logger = mockServices.logger.mock();
    PrometheusRequestCounts.fromConfig(
      mockServices.rootConfig({
        data: {
          cost: {
            prometheus: {
              baseUrl: 'https://prometheus.example.com',
              headers: { Authorization: SECRET },
            },
          },
        },
      }),
      logger,
    );
    expect(logger.info).toHaveBeenCalledWith(
      'Cost per request uses Prometheus at https://prometheus.example.com/',
    );
    const logged = JSON.stringify(
      [logger.info, logger.debug, logger.warn, logger.error].map(
        fn => (fn as jest.Mock).mock.calls,
      ),
    );
    expect(logged).not.toContain('do-not-leak-me');
  });

  it('uses a configured default query on the Kubernetes id, escaped', () => {
    const source = PrometheusRequestCounts.create({
      baseUrl: 'http://127.0.0.1:9090',
      defaultRequestRateQuery:
        'sum(rate(requests_total{job="{{kubernetesId}}"}[5m]))',
      logger: mockServices.logger.mock(),
    });
    expect(
      source.requestRateQuery(
        component('odd', { 'backstage.io/kubernetes-id': 'a"b\\c' }),
      ),
    ).toBe('sum(rate(requests_total{job="a\\"b\\\\c"}[5m]))');
  });

  it('rejects a default query without the placeholder, and a non-http baseUrl', () => {
    const logger = mockServices.logger.mock();
    expect(() =>
      PrometheusRequestCounts.create({
        baseUrl: 'http://127.0.0.1:9090',
        defaultRequestRateQuery: 'sum(rate(requests_total[5m]))',
        logger,
      }),
    ).toThrow(
      'cost.prometheus.defaultRequestRateQuery: it must contain {{kubernetesId}}',
    );
    expect(() =>
      PrometheusRequestCounts.create({ baseUrl: 'prometheus:9090', logger }),
    ).toThrow("Invalid config cost.prometheus.baseUrl 'prometheus:9090'");
  });
});

describe('request-rate query rules', () => {
  const seen: string[] = [];
  let server: ReturnType<typeof createServer>;
  let baseUrl: string;

  beforeAll(async () => {
    // Answers an empty matrix; a second path never answers.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        seen.push(body);
        if (req.url?.startsWith('/silent/')) return;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'matrix', result: [] },
          }),
        );
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  it.each([
    ['count({__name__=~".+"})', 'a selector without a metric name'],
    [
      'count(http_server_request_duration_seconds_count{__name__=~".+"})',
      'matching on __name__',
    ],
    ['sum(rate({job="billing"}[5m]))', 'a selector without a metric name'],
    [
      'sum(rate(http_server_request_duration_seconds_count[5m])) + sum(node_secret_total)',
      'it reads node_secret_total',
    ],
    ['vector(1)', 'it reads no metric'],
    [
      `sum(rate(http_server_request_duration_seconds_count{a="${'x'.repeat(
        1000,
      )}"}[5m]))`,
      'longer than 1000 characters',
    ],
    [
      'sum(rate(http_server_request_duration_seconds_count{a="x}[5m]))',
      'unterminated',
    ],
  ])('refuses %s without sending it', async (query, why) => {
    const source = PrometheusRequestCounts.create({
      baseUrl,
      logger: mockServices.logger.mock(),
    });
    await expect(
      source.dailyRequests(
        component('q', { 'prometheus.io/request-rate-query': query }),
        '2026-03-01',
        '2026-03-03',
      ),
    ).rejects.toThrow(why);
    expect(seen).toEqual([]);
  });

  it('sends every query with a timeout', async () => {
    const source = PrometheusRequestCounts.create({
      baseUrl,
      queryTimeoutSeconds: 7,
      logger: mockServices.logger.mock(),
    });
    await source.dailyRequests(
      component('checkout', { 'backstage.io/kubernetes-id': 'checkout' }),
      '2026-03-01',
      '2026-03-03',
    );
    expect(new URLSearchParams(seen[0]).get('timeout')).toBe('7000ms');
  });

  it('aborts a query the server does not answer', async () => {
    const source = PrometheusRequestCounts.create({
      baseUrl: `${baseUrl}/silent/`,
      queryTimeoutSeconds: 0.2,
      logger: mockServices.logger.mock(),
    });
    const started = performance.now();
    await expect(
      source.dailyRequests(
        component('checkout', { 'backstage.io/kubernetes-id': 'checkout' }),
        '2026-03-01',
        '2026-03-03',
      ),
    ).rejects.toThrow(/^Could not reach Prometheus .*(timeout|aborted)/i);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
