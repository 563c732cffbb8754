import type { AddressInfo } from 'node:net';
import type { Entity } from '@backstage/catalog-model';
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

const entities = [
  component('checkout-service', 'checkout'),
  component('orders-service', 'checkout', 'orders'),
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

  async function startBackend(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
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
    return { backend, call, knex };
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
        expect(res.body.problems).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ index: 1, field: 'finishedAt' }),
            expect.objectContaining({ index: 2, field: 'type' }),
            expect.objectContaining({ index: 3, field: 'finishedAt' }),
            expect.objectContaining({ index: 4, field: 'id' }),
          ]),
        );
        expect(
          res.body.problems.some((p: { index: number }) => p.index === 0),
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
