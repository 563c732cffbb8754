import type { AddressInfo } from 'node:net';
import {
  createBackendModule,
  type BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  type AuthorizePermissionRequest,
} from '@backstage/plugin-permission-common';
import { costSourcesExtensionPoint } from '@paved/plugin-cost-node';
import { costPlugin } from './plugin';
import { fixture, organisation } from './testing/organisation';

jest.setTimeout(60_000);

const ADMIN = 'user:default/admin';
const CHECKOUT_OWNER = 'user:default/alice';

/**
 * A policy like Paved's: admins read everything; alice (checkout-team) reads
 * the checkout component only.
 */
const permissions = mockServices.permissions.mock({
  authorize: async (
    requests: AuthorizePermissionRequest[],
    options?: { credentials: BackstageCredentials },
  ) => {
    const user = (options?.credentials.principal as { userEntityRef?: string })
      ?.userEntityRef;
    return requests.map(r => ({
      result:
        user === ADMIN ||
        (user === CHECKOUT_OWNER &&
          'resourceRef' in r &&
          r.resourceRef === 'component:default/checkout')
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    }));
  },
  // The mock's type wants both overloads of authorize; this fake serves both.
} as any);

/** A cost source module that delivers the fixture through the sink. */
const fixtureSource = createBackendModule({
  pluginId: 'cost',
  moduleId: 'fixture-source',
  register(env) {
    env.registerInit({
      deps: { sources: costSourcesExtensionPoint },
      async init({ sources }) {
        sources.addSource({
          id: 'fixture',
          async connect(sink) {
            await sink.replace({
              source: 'opencost:prod',
              records: fixture,
              final: true,
              description: 'fixture',
            });
          },
        });
      },
    });
  },
});

describe('cost API', () => {
  let call: (
    path: string,
    user?: string | null,
  ) => Promise<{
    status: number;
    body: any;
    text: string;
    type: string | null;
  }>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        costPlugin,
        fixtureSource,
        catalogServiceMock.factory({ entities: organisation }),
        permissions.factory,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: { cost: { currency: 'EUR' } },
        }),
      ],
    });
    stop = () => backend.stop();
    const { port } = backend.server.address() as AddressInfo;
    call = async (path, user = ADMIN) => {
      const res = await fetch(`http://localhost:${port}/api/cost${path}`, {
        headers: user
          ? { authorization: mockCredentials.user.header(user) }
          : {},
      });
      const text = await res.text();
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return {
        status: res.status,
        body,
        text,
        type: res.headers.get('content-type'),
      };
    };
  });

  afterAll(() => stop());

  const window = 'from=2026-10-01&to=2026-10-02';

  it('serves an entity cost with direct and distributed parts', async () => {
    const res = await call(
      `/entity?entityRef=component:default/checkout&${window}`,
      CHECKOUT_OWNER,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/checkout',
      currency: 'EUR',
      granularity: 'day',
      total: 52,
      direct: 40,
      distributed: 12,
      byCategory: { compute: 20, memory: 20, idle: 8, shared: 4 },
      series: [{ period: '2026-10-01', total: 52 }],
      costPerRequest: [],
      averageCostPerRequest: null,
      attributedShare: 1,
      anomalies: [],
    });
  });

  it('aggregates by month', async () => {
    const res = await call(
      '/entity?entityRef=component:default/checkout&from=2026-09-15&to=2026-11-01&granularity=month',
    );
    expect(res.body.series).toEqual([
      expect.objectContaining({ period: '2026-10', total: 52 }),
    ]);
  });

  it('serves the organisation, with its attributed share, to admins only', async () => {
    const res = await call(`/entity?${window}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(119);
    expect(res.body.attributedShare).toBeCloseTo(104 / 119, 6);
    expect((await call(`/entity?${window}`, CHECKOUT_OWNER)).status).toBe(403);
  });

  it('ranks the components of a team', async () => {
    const res = await call(
      `/rankings?entityRef=group:default/checkout-team&${window}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.byCost.map((r: any) => [r.entityRef, r.total])).toEqual([
      ['component:default/checkout', 52],
      ['component:default/orders', 13],
    ]);
    expect(res.body.byChange[0]).toMatchObject({
      entityRef: 'component:default/checkout',
      previousTotal: 0,
      change: 52,
      changePercent: null,
    });
  });

  it('lists unattributed rows with their labels for admins', async () => {
    const res = await call(`/unattributed?${window}`);
    expect(res.body).toMatchObject({
      unattributed: 15,
      rows: [{ labels: { app: 'mystery', team: 'ghosts' }, cost: 15 }],
    });
    expect((await call(`/unattributed?${window}`, CHECKOUT_OWNER)).status).toBe(
      403,
    );
  });

  it('exports one CSV line per day and category', async () => {
    const res = await call(
      `/export.csv?entityRef=component:default/checkout&${window}`,
    );
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/csv/);
    expect(res.text.trim().split('\n')).toEqual([
      'day,entityRef,category,cost,currency',
      '2026-10-01,component:default/checkout,compute,20,EUR',
      '2026-10-01,component:default/checkout,memory,20,EUR',
      '2026-10-01,component:default/checkout,shared,4,EUR',
      '2026-10-01,component:default/checkout,idle,8,EUR',
    ]);
  });

  it('lists the sources to anyone signed in', async () => {
    const res = await call('/sources', 'user:default/nobody');
    expect(res.body).toEqual([
      {
        source: 'opencost:prod',
        lastDay: '2026-10-01',
        lastImportAt: expect.any(String),
        rows: 7,
      },
    ]);
  });

  it('requires credentials on every route', async () => {
    for (const path of [
      `/entity?entityRef=component:default/checkout&${window}`,
      `/rankings?entityRef=group:default/checkout-team`,
      '/unattributed',
      '/export.csv',
      '/sources',
    ]) {
      expect((await call(path, null)).status).toBe(401);
    }
  });

  it('refuses entities the caller may not read', async () => {
    const res = await call(
      `/entity?entityRef=component:default/orders&${window}`,
      CHECKOUT_OWNER,
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('component:default/orders');
    expect(
      (
        await call(
          `/export.csv?entityRef=component:default/orders`,
          CHECKOUT_OWNER,
        )
      ).status,
    ).toBe(403);
  });

  it.each([
    ['/entity?from=2026-13-01', 'from'],
    ['/entity?to=yesterday', 'to'],
    ['/entity?from=2026-10-05&to=2026-10-01', 'from must be before to'],
    ['/entity?granularity=week', 'granularity'],
    ['/entity?entityRef=not a ref', 'entityRef'],
    ['/rankings', 'entityRef'],
    ['/rankings?entityRef=component:default/checkout', 'group or a system'],
  ])('answers %s with 400 naming %s', async (path, name) => {
    const res = await call(path);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(name);
  });

  it('answers an unknown entity with 404', async () => {
    const res = await call('/entity?entityRef=component:default/nope');
    expect(res.status).toBe(404);
  });
});
