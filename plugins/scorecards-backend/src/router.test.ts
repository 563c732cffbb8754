import type { AddressInfo } from 'node:net';
import {
  type BackstageCredentials,
  coreServices,
  createBackendModule,
  createBackendPlugin,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import express from 'express';
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
import notificationsPlugin from '@backstage/plugin-notifications-backend';
// The delivery checks read the real DORA plugin, as in the portal.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import doraPlugin from '@paved/plugin-dora-backend';
import { scorecardsPlugin } from './plugin';

jest.setTimeout(60_000);

/** On the checkout team, which owns the checkout component. */
const DEVELOPER = 'user:default/dev';
/** A platform admin. */
const ADMIN = 'user:default/admin';
/** Reads scorecards, owns nothing. */
const OUTSIDER = 'user:default/outsider';
const STRANGER = 'user:default/stranger';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      description: 'Takes orders and payments.',
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
    kind: 'User',
    metadata: { name: 'dev', namespace: 'default' },
    spec: { memberOf: ['checkout-team'] },
    relations: [{ type: 'memberOf', targetRef: 'group:default/checkout-team' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'admin', namespace: 'default' },
    spec: { memberOf: ['platform'] },
    relations: [{ type: 'memberOf', targetRef: 'group:default/platform' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [{ type: 'hasMember', targetRef: ADMIN }],
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
    relations: [{ type: 'hasMember', targetRef: DEVELOPER }],
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
  {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'upgrade-component', namespace: 'default' },
    spec: { type: 'upgrade' },
  },
];

/**
 * The scaffolder's task routes as far as campaigns read them: checkout's
 * upgrade ran and opened a pull request. Down until a test brings it up.
 */
let scaffolderUp = false;
const scaffolder = createBackendPlugin({
  pluginId: 'scaffolder',
  register(env) {
    env.registerInit({
      deps: { http: coreServices.httpRouter },
      async init({ http }) {
        const router = express.Router();
        router.get('/v2/tasks', (_req, res) => {
          if (!scaffolderUp) {
            res.status(503).json({ error: { name: 'ServiceUnavailable' } });
            return;
          }
          res.json({
            tasks: [
              {
                id: 'upgrade-1',
                status: 'completed',
                createdAt: '2026-12-01T10:00:00Z',
                spec: {
                  templateInfo: {
                    entityRef: 'template:default/upgrade-component',
                  },
                  parameters: { component: 'component:default/checkout' },
                },
              },
            ],
          });
        });
        router.get('/v2/tasks/upgrade-1/events', (_req, res) => {
          res.json([
            {
              type: 'completion',
              body: {
                output: {
                  links: [
                    {
                      title: 'Pull request',
                      url: 'https://github.com/acme/checkout/pull/12',
                    },
                    {
                      title: 'Repository',
                      url: 'https://github.com/acme/checkout',
                    },
                  ],
                },
              },
            },
          ]);
        });
        http.use(router);
      },
    });
  },
});

const permissions = mockServices.permissions.mock({
  authorize: async (
    requests: AuthorizePermissionRequest[],
    options?: { credentials: BackstageCredentials },
  ) => {
    const user = (options?.credentials.principal as { userEntityRef?: string })
      ?.userEntityRef;
    // As Paved's policy decides: admins anything; owners request
    // exceptions for what their team owns; only admins decide.
    const allowed = (request: AuthorizePermissionRequest) => {
      if (user === STRANGER) return false;
      // Plugins calling each other (the evaluation reading DORA).
      if (!user) return true;
      if (
        user === ADMIN ||
        request.permission.name === 'scorecards.read' ||
        request.permission.name === 'scorecards.usage.record'
      ) {
        return true;
      }
      if (request.permission.name === 'scorecards.exception.request') {
        return (
          user === DEVELOPER &&
          request.resourceRef === 'component:default/checkout'
        );
      }
      return false;
    };
    return requests.map(request => ({
      result: allowed(request) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    }));
  },
  // The mock's type wants both overloads of authorize; this fake serves both.
} as any);

describe('scorecards API', () => {
  let get: (
    path: string,
    user?: string | null,
  ) => Promise<{ status: number; body: any }>;
  let post: (
    path: string,
    body: unknown,
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

  afterEach(() => {
    scaffolderUp = false;
  });

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        doraPlugin,
        notificationsPlugin,
        scorecardsPlugin,
        scaffolder,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            scorecards: {
              exceptions: { reviewers: ['group:default/platform'] },
              // A check stated in configuration, in no level.
              checks: [
                {
                  id: 'has-description',
                  title: 'Says what it does',
                  rationale: 'Search finds services by what they do.',
                  fix: 'Add metadata.description to catalog-info.yaml.',
                  requires: { field: 'metadata.description' },
                },
              ],
            },
          },
        }),
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
    post = async (path, body, user = DEVELOPER) => {
      const res = await fetch(`http://localhost:${port}/api${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(user ? { authorization: mockCredentials.user.header(user) } : {}),
        },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    };
    // A deployment two days ago, reported by CI.
    const finishedAt = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const posted = await fetch(`http://localhost:${port}/api/dora/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: mockCredentials.user.header(ADMIN),
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
      excepted: 0,
    });
  });

  it('counts the golden paths’ adoption per day, and says when template runs could not be read', async () => {
    await evaluated('component:default/checkout');
    const res = await get('/scorecards/adoption?days=30');
    expect(res.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(res.body.latest).toEqual({
      day: today,
      components: 2,
      onGoldenPath: 1,
      onCurrentVersion: 0,
      teams: 1,
      teamsOnGoldenPath: 1,
    });
    expect(res.body.history).toEqual([res.body.latest]);
    // The scaffolder could not be read: no runs, rather than zero runs.
    expect(res.body.templateRuns).toBeNull();
    // node-service 1.3.0 was out when first seen; checkout is on 1.0.0.
    expect(res.body.releases).toEqual([
      {
        templateRef: 'template:default/node-service',
        version: '1.3.0',
        releasedAt: null,
        components: 1,
        current: 0,
        upgraded: 0,
        medianDays: null,
      },
    ]);
    expect((await get('/scorecards/adoption?days=0')).status).toBe(400);
  });

  it('counts the pages signed-in users open, and answers counts of distinct users only', async () => {
    const paths = [
      '/catalog/default/component/checkout/scorecard',
      '/catalog/default/component/orphan/scorecard',
      '/docs/default/component/checkout/',
      'https://elsewhere.example/',
    ];
    const counted = await post('/scorecards/usage', { paths });
    expect(counted).toEqual({ status: 202, body: { counted: 2 } });
    expect((await post('/scorecards/usage', { paths }, OUTSIDER)).status).toBe(
      202,
    );
    // Without the permission, not signed in, nothing to count, too much
    // at once: refused.
    expect((await post('/scorecards/usage', { paths }, STRANGER)).status).toBe(
      403,
    );
    expect((await post('/scorecards/usage', { paths }, null)).status).toBe(401);
    expect((await post('/scorecards/usage', { paths: [] })).status).toBe(400);
    expect(
      (
        await post('/scorecards/usage', {
          paths: Array.from({ length: 51 }, () => '/'),
        })
      ).status,
    ).toBe(400);

    const use = await get('/scorecards/usage?weeks=2');
    expect(use.status).toBe(200);
    expect(use.body.weeks).toHaveLength(2);
    expect(use.body.weeks[1].activeUsers).toBe(2);
    expect(use.body.pages).toEqual([
      { subject: '/catalog/component/scorecard', users: 2 },
    ]);
    expect(use.body.docs).toEqual([
      { subject: 'component:default/checkout', users: 2 },
    ]);
    // Counts, never who.
    expect(JSON.stringify(use.body)).not.toMatch(/user:default/);
    expect((await get('/scorecards/usage?weeks=0')).status).toBe(400);
  });

  it('lists the levels and checks', async () => {
    const res = await get('/scorecards/definitions');
    expect(res.body.levels.map((l: { id: string }) => l.id)).toEqual([
      'bronze',
      'silver',
      'gold',
    ]);
    // Paved's ten, then the one stated in configuration.
    expect(res.body.checks).toHaveLength(11);
    expect(res.body.checks[10]).toMatchObject({
      id: 'has-description',
      title: 'Says what it does',
      description: 'The component sets metadata.description.',
    });
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

  describe('exceptions', () => {
    const inDays = (days: number) =>
      new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    const asked = {
      entityRef: 'component:default/checkout',
      checkId: 'golden-path-current',
      reason: 'The 1.3 upgrade waits for the payments freeze to end.',
      expiresAt: inDays(60),
    };
    const notices = async (user: string) => {
      const res = await get('/notifications/notifications', user);
      return (res.body.notifications as Array<{ payload: any }>).filter(
        n => n.payload.topic === 'scorecards-exceptions',
      );
    };

    it('an owner asks, another admin approves, and the level rises at once; each step audited and notified', async () => {
      await evaluated('component:default/checkout');
      const requested = await post('/scorecards/exceptions', asked);
      expect(requested.status).toBe(201);
      expect(requested.body).toMatchObject({
        entityRef: 'component:default/checkout',
        checkId: 'golden-path-current',
        checkTitle: 'On a golden path, at its current version',
        status: 'pending',
        requestedBy: DEVELOPER,
        history: [
          { action: 'requested', actor: DEVELOPER, note: asked.reason },
        ],
      });
      // A retry of the same request changes nothing.
      const retried = await post('/scorecards/exceptions', asked);
      expect(retried.status).toBe(200);
      expect(retried.body.id).toBe(requested.body.id);

      const pending = await get(
        '/scorecards/entity?entityRef=component:default/checkout',
      );
      expect(pending.body.level).toBe('silver');
      expect(pending.body.checks[0]).toMatchObject({
        id: 'golden-path-current',
        outcome: 'fail',
        exception: { status: 'pending', requestedBy: DEVELOPER },
      });
      expect((await notices(ADMIN))[0]?.payload).toMatchObject({
        title:
          'Exception requested: checkout — On a golden path, at its current version',
        link: '/scorecards',
      });

      const { id } = requested.body;
      // The owner may not decide; the admin may.
      expect(
        (
          await post(`/scorecards/exceptions/${id}/decision`, {
            decision: 'approve',
          })
        ).status,
      ).toBe(403);
      const approved = await post(
        `/scorecards/exceptions/${id}/decision`,
        { decision: 'approve', note: 'Until the freeze ends.' },
        ADMIN,
      );
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        status: 'approved',
        decidedBy: ADMIN,
        history: [
          { action: 'requested', actor: DEVELOPER },
          { action: 'approved', actor: ADMIN, note: 'Until the freeze ends.' },
        ],
      });

      const after = await get(
        '/scorecards/entity?entityRef=component:default/checkout',
      );
      expect(after.body.level).toBe('gold');
      expect(
        after.body.checks.find(
          (c: { id: string }) => c.id === 'golden-path-current',
        ),
      ).toMatchObject({
        outcome: 'pass-with-exception',
        exception: { id, status: 'approved' },
      });
      const team = await get(
        '/scorecards/rollup?entityRef=group:default/checkout-team',
      );
      expect(
        team.body.checks.find(
          (c: { id: string }) => c.id === 'golden-path-current',
        ),
      ).toMatchObject({ fail: 0, excepted: 1 });
      expect(team.body.members[0]).toMatchObject({
        level: 'gold',
        failing: [],
      });
      // The next scheduled evaluation keeps it.
      const reevaluated = await evaluated('component:default/checkout');
      expect(reevaluated.body.level).toBe('gold');

      expect((await notices(DEVELOPER))[0]?.payload).toMatchObject({
        title:
          'Exception approved: checkout — On a golden path, at its current version',
        link: '/catalog/default/component/checkout/scorecard',
      });
      const listed = await get(
        '/scorecards/exceptions?entityRef=component:default/checkout',
        OUTSIDER,
      );
      expect(listed.body.exceptions.map((e: { id: string }) => e.id)).toEqual([
        id,
      ]);
      // Another request for the same check while this one holds: 409.
      const again = await post('/scorecards/exceptions', {
        ...asked,
        reason: 'Still waiting for the payments freeze.',
      });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(
        /already has an approved exception to golden-path-current/,
      );
    });

    it('lets neither a non-owner ask nor the one who asked decide; a rejection says why', async () => {
      const outsider = await post(
        '/scorecards/exceptions',
        { ...asked, checkId: 'has-techdocs' },
        OUTSIDER,
      );
      expect(outsider.status).toBe(403);
      expect(outsider.body.error.message).toBe(
        'Only the owners of component:default/checkout may request an exception for it',
      );
      // An admin who asks (admins may ask for anything) cannot approve it.
      const own = await post(
        '/scorecards/exceptions',
        {
          ...asked,
          entityRef: 'component:default/orphan',
          checkId: 'has-owner',
          reason: 'The owning team is being set up this month.',
        },
        ADMIN,
      );
      expect(own.status).toBe(201);
      const selfApproved = await post(
        `/scorecards/exceptions/${own.body.id}/decision`,
        { decision: 'approve' },
        ADMIN,
      );
      expect(selfApproved.status).toBe(403);
      expect(selfApproved.body.error.message).toBe(
        'You requested this exception; another admin decides it',
      );
      // The permission is decided on the component as the catalog names
      // it: a short ref from its owner is theirs.
      const short = await post('/scorecards/exceptions', {
        ...asked,
        entityRef: 'component:checkout',
        checkId: 'has-system',
        reason: 'The shop system is being split in two this month.',
      });
      expect(short.status).toBe(201);
      expect(short.body.entityRef).toBe('component:default/checkout');

      // A rejection says why.
      const docs = await post('/scorecards/exceptions', {
        ...asked,
        checkId: 'has-techdocs',
        reason: 'Docs live in the wiki until the migration.',
      });
      expect(docs.status).toBe(201);
      const withoutNote = await post(
        `/scorecards/exceptions/${docs.body.id}/decision`,
        { decision: 'reject' },
        ADMIN,
      );
      expect(withoutNote.status).toBe(400);
      expect(withoutNote.body.error.message).toBe(
        'A rejection needs a note saying why',
      );
      const rejected = await post(
        `/scorecards/exceptions/${docs.body.id}/decision`,
        { decision: 'reject', note: 'Docs next to the code are the standard.' },
        ADMIN,
      );
      expect(rejected.body).toMatchObject({
        status: 'rejected',
        decisionNote: 'Docs next to the code are the standard.',
      });
      // Decided: approving it now is a conflict, and it counts for nothing.
      expect(
        (
          await post(
            `/scorecards/exceptions/${docs.body.id}/decision`,
            { decision: 'approve' },
            ADMIN,
          )
        ).status,
      ).toBe(409);
      const scorecard = await get(
        '/scorecards/entity?entityRef=component:default/checkout',
      );
      expect(
        scorecard.body.checks.find(
          (c: { id: string }) => c.id === 'has-techdocs',
        ).exception,
      ).toBeUndefined();
    });

    it('refuses bad requests with 400 naming what was wrong, and stores nothing', async () => {
      const bad = async (body: object) => {
        const res = await post('/scorecards/exceptions', { ...asked, ...body });
        expect(res.status).toBe(400);
        return res.body.error.message as string;
      };
      expect(await bad({ checkId: 'no-such-check' })).toMatch(
        /^checkId no-such-check is not a scorecard check; known: has-owner/,
      );
      expect(await bad({ reason: 'because' })).toBe(
        'reason must say why in at least 10 characters',
      );
      expect(await bad({ expiresAt: inDays(181) })).toMatch(
        /^expiresAt may be at most 180 days ahead/,
      );
      expect(await bad({ expiresAt: inDays(-1) })).toBe(
        'expiresAt must be in the future',
      );
      expect(await bad({ expiresAt: 'next spring' })).toMatch(/expiresAt/);
      expect(await bad({ extra: true })).toBe(
        'request/body must NOT have additional properties',
      );
      expect(
        (
          await post('/scorecards/exceptions/nope/decision', {
            decision: 'maybe',
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await post(
            '/scorecards/exceptions/nope/decision',
            { decision: 'approve' },
            ADMIN,
          )
        ).status,
      ).toBe(404);
      expect((await post('/scorecards/exceptions', asked, null)).status).toBe(
        401,
      );
      // Pending: only the earlier test's request, none of these.
      const listed = await get(
        '/scorecards/exceptions?entityRef=component:default/checkout&status=pending',
      );
      expect(
        listed.body.exceptions.map((e: { checkId: string }) => e.checkId),
      ).toEqual(['has-system']);
      expect(
        (await get('/scorecards/exceptions?status=forgotten')).status,
      ).toBe(400);
    });
  });

  describe('campaigns', () => {
    const inDays = (days: number) =>
      new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    const campaign = {
      title: 'Every service has an owner',
      description: 'Incidents and cost need someone to answer.',
      checkIds: ['has-owner'],
      target: { types: ['service'] },
      deadline: inDays(30),
    };

    it('an admin starts one; each evaluation records who is done, the burn-up and what each component still owes', async () => {
      const started = await post('/scorecards/campaigns', campaign, ADMIN);
      expect(started.status).toBe(201);
      expect(started.body).toMatchObject({
        title: 'Every service has an owner',
        checks: [{ id: 'has-owner', title: 'Has an owner that exists' }],
        createdBy: ADMIN,
        targeted: 0,
      });
      // A retry answers the campaign stored; another with the title is refused.
      const retried = await post('/scorecards/campaigns', campaign, ADMIN);
      expect(retried.status).toBe(200);
      expect(retried.body.id).toBe(started.body.id);
      expect(
        (
          await post(
            '/scorecards/campaigns',
            { ...campaign, checkIds: ['has-system'] },
            ADMIN,
          )
        ).status,
      ).toBe(409);

      const { id } = started.body;
      // Its targets are recorded at the start, from the stored results,
      // without waiting for the next scheduled pass.
      const deadline = Date.now() + 10_000;
      let early = await get(`/scorecards/campaigns/${id}`);
      while (early.body.targeted === 0 && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 100));
        early = await get(`/scorecards/campaigns/${id}`);
      }
      expect(early.body).toMatchObject({ targeted: 2, done: 1 });

      await scheduler.triggerTask('scorecards-evaluate');
      const detail = await get(`/scorecards/campaigns/${id}`);
      expect(detail.body).toMatchObject({ targeted: 2, done: 1 });
      expect(detail.body.targets).toEqual([
        {
          entityRef: 'component:default/orphan',
          done: false,
          failing: ['has-owner'],
        },
        {
          entityRef: 'component:default/checkout',
          owner: 'group:default/checkout-team',
          done: true,
          failing: [],
        },
      ]);
      expect(detail.body.progress).toEqual([
        {
          day: new Date().toISOString().slice(0, 10),
          targeted: 2,
          done: 1,
        },
      ]);
      const orphan = await get(
        '/scorecards/campaigns/entity?entityRef=component:default/orphan',
      );
      expect(orphan.body.campaigns).toEqual([
        expect.objectContaining({ id, failing: ['has-owner'] }),
      ]);
      const listed = await get('/scorecards/campaigns');
      expect(listed.body.campaigns.map((c: { id: string }) => c.id)).toContain(
        id,
      );
    });

    it('asks for a template upgrade: the template’s components are done once on that version or later', async () => {
      scaffolderUp = true;
      const started = await post(
        '/scorecards/campaigns',
        {
          title: 'Node services on node-service 1.3',
          checkIds: [],
          target: { template: 'node-service' },
          upgradeTo: '1.3.0',
          deadline: inDays(60),
        },
        ADMIN,
      );
      expect(started.status).toBe(201);
      expect(started.body).toMatchObject({
        target: { template: 'template:default/node-service' },
        upgradeTo: '1.3.0',
        checks: [
          {
            id: 'template-version',
            title: 'Upgrade to template:default/node-service 1.3.0',
            fix: expect.stringMatching(/pull request/),
          },
        ],
      });
      await scheduler.triggerTask('scorecards-evaluate');
      const detail = await get(`/scorecards/campaigns/${started.body.id}`);
      // Only checkout was created from node-service; it is on 1.0.0.
      expect(detail.body).toMatchObject({ targeted: 1, done: 0 });
      // Its owners see the upgrade they ran, with its pull request.
      const upgrade = {
        taskId: 'upgrade-1',
        status: 'completed',
        createdAt: '2026-12-01T10:00:00Z',
        pullRequestUrl: 'https://github.com/acme/checkout/pull/12',
      };
      expect(detail.body.targets).toEqual([
        expect.objectContaining({
          entityRef: 'component:default/checkout',
          failing: ['template-version'],
          upgrade,
        }),
      ]);
      const ofCheckout = await get(
        '/scorecards/campaigns/entity?entityRef=component:default/checkout',
      );
      expect(
        ofCheckout.body.campaigns.find(
          (c: { id: string }) => c.id === started.body.id,
        ),
      ).toMatchObject({ failing: ['template-version'], upgrade });
    });

    it('lets only admins start one, and refuses bad input with 400 naming what was wrong', async () => {
      const refused = await post('/scorecards/campaigns', {
        ...campaign,
        title: 'Mine',
      });
      expect(refused.status).toBe(403);
      const bad = async (body: object) => {
        const res = await post(
          '/scorecards/campaigns',
          { ...campaign, title: 'Another', ...body },
          ADMIN,
        );
        expect(res.status).toBe(400);
        return res.body.error.message as string;
      };
      expect(await bad({ checkIds: ['nope'] })).toMatch(
        /^checkIds names unknown check\(s\) nope; known: has-owner/,
      );
      expect(await bad({ deadline: inDays(-1) })).toBe(
        'deadline must be in the future',
      );
      expect(await bad({ deadline: inDays(800) })).toBe(
        'deadline may be at most 731 days ahead',
      );
      expect(await bad({ checkIds: [] })).toBe(
        'checkIds must name at least one check, or upgradeTo a template version',
      );
      expect(await bad({ checkIds: [], upgradeTo: '1.3.0' })).toBe(
        'upgradeTo needs target.template: the template whose version is asked for',
      );
      expect(
        await bad({
          checkIds: [],
          upgradeTo: '1.3.0',
          target: { template: 'template:default/gone' },
        }),
      ).toBe(
        'target.template: template:default/gone is not a template in the catalog',
      );
      expect(await bad({ upgradeTo: 'latest' })).toMatch(/upgradeTo/);
      expect(await bad({ target: { teams: ['x'] } })).toMatch(
        /additional properties/,
      );
      expect((await get('/scorecards/campaigns/nope')).status).toBe(404);
    });
  });
});
