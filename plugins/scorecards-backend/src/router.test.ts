import type { AddressInfo } from 'node:net';
import {
  type BackstageCredentials,
  coreServices,
  createBackendModule,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  type AuthorizePermissionRequest,
} from '@backstage/plugin-permission-common';
// The delivery checks read the real DORA plugin, as in the portal.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import doraPlugin from '@paved/plugin-dora-backend';
import { scorecardsPlugin } from './plugin';

jest.setTimeout(60_000);

const DEVELOPER = 'user:default/dev';
const STRANGER = 'user:default/stranger';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: {
        'backstage.io/techdocs-ref': 'dir:.',
        'backstage.io/source-template': 'template:default/node-service',
        'paved.dev/template-version': '1.0.0',
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'checkout-team',
      system: 'shop',
      providesApis: ['orders-api'],
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/checkout-team' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'orphan', namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'nobody' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'checkout-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'shop', namespace: 'default' },
    spec: { owner: 'checkout-team' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'orders-api', namespace: 'default' },
    spec: { type: 'openapi', owner: 'checkout-team', definition: '{}' },
  },
  {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: 'node-service',
      namespace: 'default',
      annotations: { 'paved.dev/template-version': '1.3.0' },
    },
    spec: { type: 'service' },
  },
];

const permissions = mockServices.permissions.mock({
  authorize: async (
    requests: AuthorizePermissionRequest[],
    options?: { credentials: BackstageCredentials },
  ) => {
    const user = (options?.credentials.principal as { userEntityRef?: string })
      ?.userEntityRef;
    return requests.map(() => ({
      result: user === STRANGER ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
    }));
  },
  // The mock's type wants both overloads of authorize; this fake serves both.
} as any);

describe('scorecards API', () => {
  let get: (
    path: string,
    user?: string | null,
  ) => Promise<{ status: number; body: any }>;
  let stop: () => Promise<void>;
  /** The scheduler the plugin scheduled its evaluation with. */
  let scheduler: SchedulerService;
  const schedulerOfScorecards = createBackendModule({
    pluginId: 'scorecards',
    moduleId: 'test-scheduler',
    register(env) {
      env.registerInit({
        deps: { plugin: coreServices.scheduler },
        async init({ plugin }) {
          scheduler = plugin;
        },
      });
    },
  });

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        doraPlugin,
        scorecardsPlugin,
        catalogServiceMock.factory({ entities }),
        permissions.factory,
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        schedulerOfScorecards,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    stop = () => backend.stop();
    const { port } = backend.server.address() as AddressInfo;
    get = async (path, user = DEVELOPER) => {
      const res = await fetch(`http://localhost:${port}/api${path}`, {
        headers: user
          ? { authorization: mockCredentials.user.header(user) }
          : {},
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    };
    // A deployment two days ago, reported by CI.
    const finishedAt = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const posted = await fetch(`http://localhost:${port}/api/dora/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: mockCredentials.user.header('user:default/ci'),
      },
      body: JSON.stringify({
        events: [
          {
            type: 'deployment',
            id: 'd1',
            service: 'checkout',
            environment: 'production',
            status: 'success',
            startedAt: finishedAt,
            finishedAt,
            commitSha: 'abc1234',
          },
        ],
      }),
    });
    if (posted.status !== 200) {
      throw new Error(`the deployment was not stored: ${posted.status}`);
    }
  });

  afterAll(() => stop());

  /** The component's scorecard after an evaluation that saw its deployment. */
  async function evaluated(entityRef: string) {
    await scheduler.triggerTask('scorecards-evaluate');
    return get(`/scorecards/entity?entityRef=${entityRef}`);
  }

  it("gives a component's level and its checks, failing first, with evidence and the fix", async () => {
    const res = await evaluated('component:default/checkout');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/checkout',
      level: 'silver',
      nextLevel: 'gold',
    });
    expect(Date.parse(res.body.evaluatedAt)).toBeGreaterThan(
      Date.now() - 60_000,
    );
    const [first, ...rest] = res.body.checks;
    expect(first).toMatchObject({
      id: 'golden-path-current',
      outcome: 'fail',
      level: 'gold',
      evidence:
        'On template:default/node-service 1.0.0, 3 minor versions behind 1.3.0 (allowed: 1).',
      fix: expect.stringMatching(/upgrade template/),
    });
    expect(rest.map((c: { outcome: string }) => c.outcome)).not.toContain(
      'fail',
    );
    expect(
      rest.find((c: { id: string }) => c.id === 'deployments-reported'),
    ).toMatchObject({
      outcome: 'pass',
      evidence: '1 production deployments in 30 days.',
    });
  });

  it('rolls up a team and the organisation from the stored results, with today in the history', async () => {
    await evaluated('component:default/checkout');
    const team = await get(
      '/scorecards/rollup?entityRef=group:default/checkout-team',
    );
    expect(team.status).toBe(200);
    expect(team.body).toMatchObject({
      entityRef: 'group:default/checkout-team',
      components: 1,
      notEvaluated: 0,
      levels: [
        { level: 'bronze', components: 0 },
        { level: 'silver', components: 1 },
        { level: 'gold', components: 0 },
        { level: null, components: 0 },
      ],
    });
    expect(team.body.members).toEqual([
      {
        entityRef: 'component:default/checkout',
        level: 'silver',
        failing: ['golden-path-current'],
      },
    ]);
    const today = new Date().toISOString().slice(0, 10);
    expect(team.body.history.at(-1)).toEqual({
      day: today,
      levels: team.body.levels,
    });

    const organisation = await get('/scorecards/rollup?days=7');
    expect(organisation.body.components).toBe(2);
    // The organisation is counted, not listed.
    expect(organisation.body.members).toBeUndefined();
    expect(
      organisation.body.checks.find(
        (c: { id: string }) => c.id === 'has-owner',
      ),
    ).toEqual({
      id: 'has-owner',
      title: 'Has an owner that exists',
      pass: 1,
      fail: 1,
      notApplicable: 0,
    });
  });

  it('lists the levels and checks', async () => {
    const res = await get('/scorecards/definitions');
    expect(res.body.levels.map((l: { id: string }) => l.id)).toEqual([
      'bronze',
      'silver',
      'gold',
    ]);
    expect(res.body.checks).toHaveLength(7);
  });

  it('refuses bad input with 400, unknown entities with 404, callers without the permission with 403', async () => {
    expect(
      (await get('/scorecards/entity?entityRef=group:default/checkout-team'))
        .status,
    ).toBe(400);
    expect(
      (await get('/scorecards/rollup?entityRef=component:default/checkout'))
        .status,
    ).toBe(400);
    expect((await get('/scorecards/rollup?days=400')).status).toBe(400);
    const missing = await get(
      '/scorecards/entity?entityRef=component:default/nope',
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      'No entity component:default/nope in the catalog',
    );
    expect(
      (
        await get(
          '/scorecards/entity?entityRef=component:default/checkout',
          STRANGER,
        )
      ).status,
    ).toBe(403);
    expect((await get('/scorecards/definitions', null)).status).toBe(401);
  });
});
