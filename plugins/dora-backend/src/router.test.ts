import type { AddressInfo } from 'node:net';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { doraPlugin } from './plugin';

type TestDatabaseId = Parameters<TestDatabases['init']>[0];

jest.setTimeout(60_000);

const component = (name: string, owner: string, alias?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: alias ? { 'paved.dev/dora-service': alias } : {},
  },
  spec: { type: 'service', owner, lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
});

const entities: Entity[] = [
  component('checkout-service', 'checkout'),
  component('orders-service', 'checkout', 'orders'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

const deployment = (id: string, finishedAt: string, extra = {}) => ({
  type: 'deployment',
  id,
  service: 'checkout-service',
  environment: 'production',
  status: 'success',
  startedAt: '2026-10-01T09:00:00Z',
  finishedAt,
  commitSha: `sha-${id}`,
  ...extra,
});

describe('DORA event API and metrics', () => {
  const databases = TestDatabases.create();

  async function startBackend(databaseId: TestDatabaseId, shared?: Knex) {
    const knex = shared ?? (await databases.init(databaseId));
    const backend = await startTestBackend({
      features: [
        doraPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities }),
        // Requests without an Authorization header are unauthenticated.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: { dora: { maxEventBodyBytes: 20_000 } },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {
        authorization: mockCredentials.user.header('user:default/ci-bot'),
      },
    ) => {
      const res = await fetch(`http://localhost:${port}/api/dora${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    };
    return { backend, call, knex, port };
  }

  const metricsPath =
    '/metrics?entityRef=component:default/checkout-service&from=2026-10-01T00:00:00Z&to=2026-10-31T00:00:00Z';

  it.each(databases.eachSupportedId())(
    'stores a good batch once, however often it is sent (%s)',
    async databaseId => {
      const { backend, call } = await startBackend(databaseId);
      try {
        const batch = {
          events: [
            deployment('d1', '2026-10-01T10:00:00Z', { commits: ['abc1234'] }),
            {
              type: 'change',
              id: 'c-a',
              service: 'checkout-service',
              sha: 'abc1234',
              authoredAt: '2026-10-01T06:00:00Z',
            },
            deployment('d2', '2026-10-02T10:00:00Z'),
          ],
        };
        expect(await call('POST', '/events', batch)).toEqual({
          status: 200,
          body: { accepted: 3, unchanged: 0, unattributedServices: [] },
        });
        const first = await call('GET', metricsPath);
        expect(first.body.deploymentFrequency.deployments).toBe(2);
        expect(first.body.changeLeadTime.p50).toBe(4 * 3600);

        expect((await call('POST', '/events', batch)).body).toEqual({
          accepted: 0,
          unchanged: 3,
          unattributedServices: [],
        });
        expect((await call('GET', metricsPath)).body).toEqual(first.body);
      } finally {
        await backend.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects a batch with one bad event and stores nothing from it (%s)',
    async databaseId => {
      const { backend, call } = await startBackend(databaseId);
      try {
        const res = await call('POST', '/events', {
          events: [
            deployment('ok', '2026-10-01T10:00:00Z'),
            deployment('backwards', '2026-10-01T08:00:00Z'),
            { type: 'release', id: 'x', service: 'checkout-service' },
            { ...deployment('late', 'yesterday') },
            {
              ...deployment('long', '2026-10-01T10:00:00Z'),
              id: 'x'.repeat(201),
            },
          ],
        });
        expect(res.status).toBe(400);
        expect(res.body.error.problems).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ index: 1, field: 'finishedAt' }),
            expect.objectContaining({ index: 2, field: 'type' }),
            expect.objectContaining({ index: 3, field: 'finishedAt' }),
            expect.objectContaining({ index: 4, field: 'id' }),
          ]),
        );
        expect(
          res.body.error.problems.some((p: { index: number }) => p.index === 0),
        ).toBe(false);
        const m = await call('GET', metricsPath);
        expect(m.body.deploymentFrequency.deployments).toBe(0);
      } finally {
        await backend.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'updates an incident in place when it is resolved (%s)',
    async databaseId => {
      const { backend, call } = await startBackend(databaseId);
      try {
        const incident = {
          type: 'incident',
          id: 'inc-1',
          service: 'checkout-service',
          environment: 'production',
          openedAt: '2026-10-01T11:00:00Z',
          causedByDeploymentId: 'd1',
        };
        await call('POST', '/events', {
          events: [deployment('d1', '2026-10-01T10:00:00Z'), incident],
        });
        let m = (await call('GET', metricsPath)).body;
        expect(m.changeFailRate.failed).toBe(1);
        expect(m.failedDeploymentRecoveryTime.n).toBe(0); // still open

        const resolved = { ...incident, resolvedAt: '2026-10-01T12:30:00Z' };
        expect(
          (await call('POST', '/events', { events: [resolved] })).body,
        ).toMatchObject({
          accepted: 1,
          unchanged: 0,
        });
        m = (await call('GET', metricsPath)).body;
        expect(m.failedDeploymentRecoveryTime).toMatchObject({
          p50: 2.5 * 3600,
          n: 1,
        });
      } finally {
        await backend.stop();
      }
    },
  );

  it('explains every number: drill-down, CSV and series agree with the metrics', async () => {
    const [databaseId] = databases.eachSupportedId()[0];
    const { backend, call, port } = await startBackend(databaseId);
    try {
      await call('POST', '/events', {
        events: [
          deployment('d1', '2026-10-01T10:00:00Z', { commits: ['abc1234'] }),
          deployment('rb', '2026-10-01T11:00:00Z', { rollback: true }),
          deployment('d2', '2026-10-08T10:00:00Z'),
          {
            type: 'change',
            id: 'c1',
            service: 'checkout-service',
            sha: 'abc1234',
            authoredAt: '2026-10-01T08:00:00Z',
            labels: ['feature'],
          },
        ],
      });
      const m = (await call('GET', metricsPath)).body;
      expect(m.changeFailRate).toMatchObject({
        rate: 0.5,
        failed: 1,
        deployments: 2,
        benchmark: {
          band: 'low',
          bandSource: expect.stringMatching(/2024/),
          surveyBucket: '46–60%',
        },
      });
      expect(m.deploymentReworkRate).toMatchObject({ rework: 1 });

      const failedOnly = (
        await call('GET', `/deployments${metricsPath.slice(8)}&filter=failed`)
      ).body;
      expect(failedOnly.items.map((d: { id: string }) => d.id)).toEqual(['d1']);
      const reworkOnly = (
        await call('GET', `/deployments${metricsPath.slice(8)}&filter=rework`)
      ).body;
      expect(reworkOnly.items).toEqual([
        expect.objectContaining({ id: 'rb', reworkReasons: ['rollback'] }),
      ]);
      expect(
        (await call('GET', `/deployments${metricsPath.slice(8)}&filter=odd`))
          .status,
      ).toBe(400);

      const breakdown = (
        await call(
          'GET',
          '/breakdown?entityRef=group:default/checkout&from=2026-10-01T00:00:00Z&to=2026-10-31T00:00:00Z',
        )
      ).body;
      expect(
        breakdown.services.map(
          (s: { entityRef: string; metrics: { changeFailRate: unknown } }) => [
            s.entityRef,
            s.metrics.changeFailRate,
          ],
        ),
      ).toEqual([
        [
          'component:default/checkout-service',
          expect.objectContaining({ rate: 0.5, failed: 1 }),
        ],
        [
          'component:default/orders-service',
          expect.objectContaining({ rate: null, deployments: 0 }),
        ],
      ]);

      const page1 = (
        await call('GET', `/deployments${metricsPath.slice(8)}&limit=2`)
      ).body;
      expect(page1.totalItems).toBe(3);
      expect(page1.items.map((d: { id: string }) => d.id)).toEqual([
        'd2',
        'rb',
      ]);
      const page2 = (
        await call(
          'GET',
          `/deployments${metricsPath.slice(8)}&limit=2&cursor=${
            page1.nextCursor
          }`,
        )
      ).body;
      expect(page2.nextCursor).toBeUndefined();
      const d1 = page2.items[0];
      expect(d1).toMatchObject({
        id: 'd1',
        failed: true,
        failure: [{ rule: 'rolled-back', rollbackDeploymentId: 'rb' }],
        recoverySeconds: 3600,
        delivered: expect.arrayContaining([
          expect.objectContaining({
            sha: 'abc1234',
            leadTimeSeconds: 2 * 3600,
          }),
        ]),
      });

      const csv = await fetch(
        `http://localhost:${port}/api/dora/export.csv${metricsPath.slice(8)}`,
        { headers: { authorization: mockCredentials.user.header() } },
      );
      expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
      const lines = (await csv.text()).trim().split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toMatch(/^deployment_id,source,service/);
      expect(lines.find(l => l.startsWith('d1,'))).toMatch(
        /,true,rolled-back,3600,false,false,,$/,
      );

      const series = (
        await call(
          'GET',
          `/series${metricsPath.slice(
            8,
          )}&metric=deploymentFrequency&interval=week`,
        )
      ).body;
      expect(series.points.map((p: { value: number }) => p.value)).toEqual([
        2, 1, 0, 0, 0,
      ]);
      expect(
        series.points.reduce(
          (n: number, p: { value: number }) => n + p.value,
          0,
        ),
      ).toBe(m.deploymentFrequency.deployments);
      expect(
        (await call('GET', `/series${metricsPath.slice(8)}&metric=vibes`))
          .status,
      ).toBe(400);
    } finally {
      await backend.stop();
    }
  });

  it.each(databases.eachSupportedId())(
    'treats a repeated id within one batch as sent in order: the last one wins (%s)',
    async databaseId => {
      const { backend, call } = await startBackend(databaseId);
      try {
        const incident = {
          type: 'incident',
          id: 'inc-dup',
          service: 'checkout-service',
          environment: 'production',
          openedAt: '2026-10-01T11:00:00Z',
          causedByDeploymentId: 'd1',
        };
        const res = await call('POST', '/events', {
          events: [
            deployment('d1', '2026-10-01T10:00:00Z'),
            incident,
            { ...incident, resolvedAt: '2026-10-01T13:00:00Z' },
          ],
        });
        expect(res.body).toMatchObject({ accepted: 2, unchanged: 1 });
        const m = (await call('GET', metricsPath)).body;
        expect(m.failedDeploymentRecoveryTime).toMatchObject({
          p50: 3 * 3600,
          n: 1,
        });
      } finally {
        await backend.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'a second replica sees events ingested by the first, also after it cached the metrics (%s)',
    async databaseId => {
      const first = await startBackend(databaseId);
      const second = await startBackend(databaseId, first.knex);
      try {
        await first.call('POST', '/events', {
          events: [deployment('d1', '2026-10-01T10:00:00Z')],
        });
        let m = (await second.call('GET', metricsPath)).body;
        expect(m.deploymentFrequency.deployments).toBe(1);

        await first.call('POST', '/events', {
          events: [deployment('d2', '2026-10-02T10:00:00Z')],
        });
        m = (await second.call('GET', metricsPath)).body;
        expect(m.deploymentFrequency.deployments).toBe(2);

        // A late incident changes an earlier verdict on every replica.
        await first.call('POST', '/events', {
          events: [
            {
              type: 'incident',
              id: 'inc-late',
              service: 'checkout-service',
              environment: 'production',
              openedAt: '2026-10-01T12:00:00Z',
              resolvedAt: '2026-10-01T14:00:00Z',
              causedByDeploymentId: 'd1',
            },
          ],
        });
        m = (await second.call('GET', metricsPath)).body;
        expect(m.changeFailRate).toMatchObject({ failed: 1, deployments: 2 });
        expect(m.failedDeploymentRecoveryTime).toMatchObject({
          p50: 4 * 3600,
          n: 1,
        });
      } finally {
        await second.backend.stop();
        await first.backend.stop();
      }
    },
  );

  it('keeps events of unknown services as unattributed, and resolves aliases', async () => {
    const [databaseId] = databases.eachSupportedId()[0];
    const { backend, call } = await startBackend(databaseId);
    try {
      const res = await call('POST', '/events', {
        events: [
          {
            ...deployment('g1', '2026-10-01T10:00:00Z'),
            service: 'ghost-service',
          },
          { ...deployment('o1', '2026-10-01T10:00:00Z'), service: 'orders' },
        ],
      });
      expect(res.body).toEqual({
        accepted: 2,
        unchanged: 0,
        unattributedServices: ['ghost-service'],
      });
      expect((await call('GET', '/unattributed')).body).toEqual({
        services: [{ service: 'ghost-service', events: 1 }],
        conflicts: [],
      });
      const org = await call(
        'GET',
        '/metrics?from=2026-10-01T00:00:00Z&to=2026-10-31T00:00:00Z',
      );
      expect(org.body.deploymentFrequency.deployments).toBe(1); // orders only
      expect(org.body.unattributedEvents).toBe(1);
    } finally {
      await backend.stop();
    }
  });

  it.each(databases.eachSupportedId())(
    'answers the windows before a window and its trend in the same read, each as its own read answers it (%s)',
    async databaseId => {
      const { backend, call } = await startBackend(databaseId);
      try {
        // Thirty-day windows: October, and the two before it.
        await call('POST', '/events', {
          events: [
            deployment('oct-1', '2026-10-20T10:00:00Z'),
            deployment('oct-2', '2026-10-21T10:00:00Z'),
            deployment('sep-1', '2026-09-15T10:00:00Z', {
              startedAt: '2026-09-15T09:00:00Z',
            }),
            deployment('aug-1', '2026-08-10T10:00:00Z', {
              startedAt: '2026-08-10T09:00:00Z',
            }),
            deployment('aug-2', '2026-08-11T10:00:00Z', {
              startedAt: '2026-08-11T09:00:00Z',
            }),
            deployment('aug-3', '2026-08-12T10:00:00Z', {
              startedAt: '2026-08-12T09:00:00Z',
            }),
            {
              type: 'incident',
              id: 'inc-sep',
              service: 'checkout-service',
              environment: 'production',
              openedAt: '2026-09-15T11:00:00Z',
              resolvedAt: '2026-09-15T12:00:00Z',
              causedByDeploymentId: 'sep-1',
            },
          ],
        });
        const compared = await call('GET', `${metricsPath}&previousWindows=2`);
        expect(compared.status).toBe(200);
        const { previous, ...current } = compared.body;
        expect(current).toEqual((await call('GET', metricsPath)).body);
        const windowOf = (from: string, to: string) =>
          call(
            'GET',
            `/metrics?entityRef=component:default/checkout-service&from=${from}&to=${to}`,
          );
        expect(previous).toEqual([
          (await windowOf('2026-09-01T00:00:00Z', '2026-10-01T00:00:00Z')).body,
          (await windowOf('2026-08-02T00:00:00Z', '2026-09-01T00:00:00Z')).body,
        ]);
        expect(
          previous.map(
            (m: { deploymentFrequency: { deployments: number } }) =>
              m.deploymentFrequency.deployments,
          ),
        ).toEqual([1, 3]);
        expect(previous[0].changeFailRate.failed).toBe(1);

        // And the window's weekly trend, as /trends answers it.
        const withTrend = await call(
          'GET',
          `${metricsPath}&previousWindows=2&trend=week`,
        );
        expect(withTrend.body.trend).toEqual(
          (await call('GET', `/trends${metricsPath.slice(8)}&interval=week`))
            .body,
        );
        expect(withTrend.body.previous).toEqual(previous);
        const badTrend = await call('GET', `${metricsPath}&trend=year`);
        expect(badTrend.status).toBe(400);
        expect(badTrend.body.error.message).toMatch(/trend/);

        for (const bad of ['3', '-1', 'two']) {
          const refused = await call(
            'GET',
            `${metricsPath}&previousWindows=${bad}`,
          );
          expect(refused.status).toBe(400);
          expect(refused.body.error.message).toMatch(/previousWindows/);
        }
      } finally {
        await backend.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'breaks a team down into its components, each what /metrics answers for it (%s)',
    async databaseId => {
      const { backend, call } = await startBackend(databaseId);
      try {
        await call('POST', '/events', {
          events: [
            deployment('d1', '2026-10-01T10:00:00Z', { commits: ['abc1234'] }),
            deployment('rb', '2026-10-01T11:00:00Z', { rollback: true }),
            deployment('d2', '2026-10-08T10:00:00Z'),
            deployment('o1', '2026-10-09T10:00:00Z', { service: 'orders' }),
            {
              type: 'change',
              id: 'c1',
              service: 'checkout-service',
              sha: 'abc1234',
              authoredAt: '2026-10-01T08:00:00Z',
            },
            {
              type: 'incident',
              id: 'inc-o1',
              service: 'orders',
              environment: 'production',
              openedAt: '2026-10-09T11:00:00Z',
              resolvedAt: '2026-10-09T13:00:00Z',
              causedByDeploymentId: 'o1',
            },
          ],
        });
        const window = 'from=2026-10-01T00:00:00Z&to=2026-10-31T00:00:00Z';
        const breakdown = await call(
          'GET',
          `/breakdown?entityRef=group:default/checkout&${window}`,
        );
        expect(breakdown.status).toBe(200);
        expect(
          breakdown.body.services.map(
            (s: { entityRef: string }) => s.entityRef,
          ),
        ).toEqual([
          'component:default/checkout-service',
          'component:default/orders-service',
        ]);
        for (const service of breakdown.body.services) {
          const own = await call(
            'GET',
            `/metrics?entityRef=${service.entityRef}&${window}`,
          );
          expect(service.metrics).toEqual(own.body);
        }
        // From the failed deployment (10:00) to the incident's end (13:00).
        expect(
          breakdown.body.services[1].metrics.failedDeploymentRecoveryTime,
        ).toMatchObject({ p50: 3 * 3600, n: 1 });
        // The organisation's ranks only components with deployments.
        const organisation = await call('GET', `/breakdown?${window}`);
        expect(organisation.body.services).toHaveLength(2);
      } finally {
        await backend.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    "gives each week of a component's trend what /metrics answers for that week (%s)",
    async databaseId => {
      const { backend, call } = await startBackend(databaseId);
      try {
        await call('POST', '/events', {
          events: [
            deployment('w1a', '2026-10-01T10:00:00Z', { commits: ['abc1234'] }),
            deployment('w1b', '2026-10-02T10:00:00Z'),
            deployment('rb', '2026-10-02T11:00:00Z', { rollback: true }),
            deployment('w2', '2026-10-09T10:00:00Z', { commits: ['def5678'] }),
            deployment('w4', '2026-10-24T10:00:00Z'),
            {
              type: 'change',
              id: 'c1',
              service: 'checkout-service',
              sha: 'abc1234',
              authoredAt: '2026-10-01T06:00:00Z',
            },
            {
              type: 'change',
              id: 'c2',
              service: 'checkout-service',
              sha: 'def5678',
              authoredAt: '2026-10-08T10:00:00Z',
            },
            {
              type: 'incident',
              id: 'inc-w2',
              service: 'checkout-service',
              environment: 'production',
              openedAt: '2026-10-09T11:00:00Z',
              resolvedAt: '2026-10-09T15:00:00Z',
              causedByDeploymentId: 'w2',
            },
          ],
        });
        const trends = await call(
          'GET',
          `/trends${metricsPath.slice(8)}&interval=week`,
        );
        expect(trends.status).toBe(200);
        expect(trends.body.points).toHaveLength(5);
        for (const point of trends.body.points) {
          const week = (
            await call(
              'GET',
              `/metrics?entityRef=component:default/checkout-service&from=${point.start}&to=${point.end}`,
            )
          ).body;
          expect(point).toEqual({
            start: point.start,
            end: point.end,
            deploymentFrequency: {
              value: week.deploymentFrequency.deployments,
              n: week.deploymentFrequency.deployments,
            },
            changeLeadTime: {
              value: week.changeLeadTime.p50,
              n: week.changeLeadTime.n,
            },
            changeFailRate: {
              value: week.changeFailRate.rate,
              n: week.changeFailRate.deployments,
            },
            failedDeploymentRecoveryTime: {
              value: week.failedDeploymentRecoveryTime.p50,
              n: week.failedDeploymentRecoveryTime.n,
            },
            deploymentReworkRate: {
              value: week.deploymentReworkRate.rate,
              n: week.deploymentReworkRate.deployments,
            },
          });
        }
        expect(
          trends.body.points.map(
            (p: { deploymentFrequency: { value: number } }) =>
              p.deploymentFrequency.value,
          ),
        ).toEqual([3, 1, 0, 1, 0]);
      } finally {
        await backend.stop();
      }
    },
  );

  it('answers malformed requests with 400 and a reason', async () => {
    const [databaseId] = databases.eachSupportedId()[0];
    const { backend, call, port } = await startBackend(databaseId);
    try {
      const notJson = await fetch(`http://localhost:${port}/api/dora/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: mockCredentials.user.header(),
        },
        body: '{"events": [',
      });
      expect(notJson.status).toBe(400);
      const badCursor = await call(
        'GET',
        `/deployments${metricsPath.slice(8)}&cursor=%%%`,
      );
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.error.message).toMatch(/cursor/);
      const badWindow = await call('GET', '/metrics?from=yesterday');
      expect(badWindow.status).toBe(400);
    } finally {
      await backend.stop();
    }
  });

  it('requires credentials and refuses oversized bodies', async () => {
    const [databaseId] = databases.eachSupportedId()[0];
    const { backend, call } = await startBackend(databaseId);
    try {
      expect((await call('POST', '/events', { events: [] }, {})).status).toBe(
        401,
      );
      expect((await call('GET', metricsPath, undefined, {})).status).toBe(401);
      const big = {
        events: Array.from({ length: 200 }, (_, i) =>
          deployment(`big-${i}`, '2026-10-01T10:00:00Z'),
        ),
      };
      expect((await call('POST', '/events', big)).status).toBe(413);
    } finally {
      await backend.stop();
    }
  });
});
