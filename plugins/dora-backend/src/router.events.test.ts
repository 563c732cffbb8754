import type { AddressInfo } from 'node:net';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import {
  createBackendModule,
  type BackstageCredentials,
  type ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { doraSourcesExtensionPoint } from '@paved/plugin-dora-node';
import { doraPlugin } from './plugin';

jest.setTimeout(60_000);

const ADMIN = 'user:default/lena.fischer';
const DEVELOPER = 'user:default/rajesh.iyer';

const component = (name: string, alias?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: alias ? { 'paved.dev/dora-service': alias } : {},
  },
  spec: { type: 'service', owner: 'checkout', lifecycle: 'production' },
});

const deployment = (id: string, extra: object = {}) => ({
  type: 'deployment',
  id,
  service: 'checkout-service',
  environment: 'production',
  status: 'success',
  startedAt: '2026-10-01T09:00:00Z',
  finishedAt: '2026-10-01T09:10:00Z',
  commitSha: 'abc1234',
  ...extra,
});

/** A server-side source, as the GitHub module registers one. */
const githubLikeSource = createBackendModule({
  pluginId: 'dora',
  moduleId: 'test-github',
  register(reg) {
    reg.registerInit({
      deps: { sources: doraSourcesExtensionPoint },
      async init({ sources }) {
        sources.addSource({
          id: 'pager-sync',
          async connect(sink) {
            await sink.ingest('github', [
              deployment('github:fernhill/checkout:deployment:1', {
                commits: ['aaa1111', 'bbb2222'],
              }),
            ]);
          },
        });
      },
    });
  },
});

/** Admins may post; any other user may not; services as their token says. */
const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const { principal } = (options as { credentials: BackstageCredentials })
      .credentials as BackstageCredentials<{
      type: string;
      userEntityRef?: string;
    }>;
    const allowed =
      principal.type === 'service' || principal.userEntityRef === ADMIN;
    return requests.map(() => ({
      result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    }));
  },
});

describe('POST /api/dora/events: who may write, and under which source', () => {
  const databases = TestDatabases.create();

  async function start(
    knex: Knex,
    entities: Entity[] = [component('checkout-service')],
    auditor: ServiceFactory = mockServices.auditor.factory(),
  ) {
    const backend = await startTestBackend({
      features: [
        doraPlugin,
        auditor,
        githubLikeSource,
        permissions.factory,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: { dora: { maxEventBodyBytes: 20_000 } },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    const post = async (authorization: string, body: unknown, raw?: string) => {
      const res = await fetch(`http://localhost:${port}/api/dora/events`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: raw ?? JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    const get = async (path: string) => {
      const res = await fetch(`http://localhost:${port}/api/dora${path}`, {
        headers: { authorization: mockCredentials.user.header(ADMIN) },
      });
      return { status: res.status, body: await res.json() };
    };
    const rows = () =>
      knex('dora_deployments')
        .select('source', 'event_id', 'status', 'commits', 'entity_ref')
        .orderBy(['source', 'event_id']);
    return { backend, post, get, rows };
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('refuses a developer with 403 before reading the body, and stores nothing', async () => {
      const knex = await databases.init(databaseId);
      const { backend, post, rows } = await start(knex);
      try {
        const before = await rows();
        const refused = await post(mockCredentials.user.header(DEVELOPER), {
          events: [deployment('run-1')],
        });
        expect(refused.status).toBe(403);
        expect(refused.body.error).toMatchObject({
          name: 'NotAllowedError',
          message: expect.stringContaining(
            'You may not post DORA events: dora.events.create',
          ),
        });
        // Not even parsed: a malformed body is refused the same way.
        const malformed = await post(
          mockCredentials.user.header(DEVELOPER),
          undefined,
          '{"events": [',
        );
        expect(malformed.status).toBe(403);
        expect(await rows()).toEqual(before);
      } finally {
        await backend.stop();
      }
    });

    it('stores an admin’s and a CI token’s events under their own sources', async () => {
      const knex = await databases.init(databaseId);
      const { backend, post, rows } = await start(knex);
      try {
        const admin = await post(mockCredentials.user.header(ADMIN), {
          events: [
            deployment('run-1'),
            deployment('run-2', { source: 'jenkins' }),
          ],
        });
        expect(admin.status).toBe(200);
        expect(admin.body).toMatchObject({ accepted: 2, unchanged: 0 });
        const ci = await post(
          mockCredentials.service.header({
            onBehalfOf: mockCredentials.service('ci-pipelines'),
            targetPluginId: 'dora',
          }),
          { events: [deployment('run-1')] },
        );
        expect(ci.status).toBe(200);
        expect(ci.body).toMatchObject({ accepted: 1, unchanged: 0 });
        expect((await rows()).map(r => `${r.source} ${r.event_id}`)).toEqual([
          'github github:fernhill/checkout:deployment:1',
          'service:ci-pipelines run-1',
          `${ADMIN} run-1`,
          `${ADMIN}#jenkins run-2`,
        ]);
      } finally {
        await backend.stop();
      }
    });

    it("refuses a batch naming a server-side source, and cannot overwrite a github deployment's status or commits", async () => {
      const knex = await databases.init(databaseId);
      const { backend, post, rows } = await start(knex);
      try {
        const github = await rows();
        expect(github).toEqual([
          expect.objectContaining({
            source: 'github',
            event_id: 'github:fernhill/checkout:deployment:1',
            status: 'success',
            commits: JSON.stringify(['aaa1111', 'bbb2222']),
          }),
        ]);
        const forged = deployment('github:fernhill/checkout:deployment:1', {
          status: 'failure',
          commits: [],
        });
        for (const source of ['github', 'GitHub', 'demo', 'pager-sync']) {
          const res = await post(mockCredentials.user.header(ADMIN), {
            events: [deployment('run-9'), { ...forged, source }],
          });
          expect(res.status).toBe(400);
          expect(res.body.error.message).toContain('events[1].source');
          expect(res.body.error.problems).toEqual([
            {
              index: 1,
              field: 'source',
              message: expect.stringContaining(`'${source}' is reserved`),
            },
          ]);
        }
        // Without a source, the same natural key is the caller's own fact.
        const own = await post(mockCredentials.user.header(ADMIN), {
          events: [forged],
        });
        expect(own.status).toBe(200);
        const after = await rows();
        expect(after).toEqual([
          github[0],
          expect.objectContaining({
            source: ADMIN,
            event_id: 'github:fernhill/checkout:deployment:1',
            status: 'failure',
          }),
        ]);
      } finally {
        await backend.stop();
      }
    });
  });

  it('refuses source labels that could pass for another caller', async () => {
    const knex = await databases.init('SQLITE_3');
    const { backend, post, rows } = await start(knex);
    try {
      const before = await rows();
      const res = await post(mockCredentials.user.header(ADMIN), {
        events: [deployment('run-1', { source: 'user:default/someone' })],
      });
      expect(res.status).toBe(400);
      expect(res.body.error.problems).toEqual([
        {
          index: 0,
          field: 'source',
          message: expect.stringContaining('a source label is 1 to 63'),
        },
      ]);
      expect(await rows()).toEqual(before);
    } finally {
      await backend.stop();
    }
  });

  it('audits every batch written, with its caller, and every batch refused', async () => {
    const knex = await databases.init('SQLITE_3');
    const success = jest.fn();
    const fail = jest.fn();
    const auditor = mockServices.auditor.mock({
      createEvent: jest.fn(async () => ({ success, fail })),
    });
    const { backend, post } = await start(
      knex,
      [component('checkout-service')],
      auditor.factory,
    );
    try {
      const stored = await post(mockCredentials.user.header(ADMIN), {
        events: [deployment('run-1'), deployment('run-2')],
      });
      expect(stored.status).toBe(200);
      expect(auditor.createEvent).toHaveBeenLastCalledWith(
        expect.objectContaining({
          eventId: 'dora-events-create',
          severityLevel: 'medium',
          meta: { source: ADMIN, events: 2 },
        }),
      );
      expect(success).toHaveBeenCalledWith({
        meta: { accepted: 2, unchanged: 0 },
      });

      const refused = await post(mockCredentials.user.header(ADMIN), {
        events: [deployment('run-3', { source: 'github' })],
      });
      expect(refused.status).toBe(400);
      expect(fail).toHaveBeenCalledWith({
        error: expect.objectContaining({
          problems: [expect.objectContaining({ index: 0, field: 'source' })],
        }),
      });
      expect(success).toHaveBeenCalledTimes(1);
    } finally {
      await backend.stop();
    }
  });

  it('leaves events of a conflicting alias unattributed and lists the conflict for admins', async () => {
    const knex = await databases.init('SQLITE_3');
    const { backend, post, get, rows } = await start(knex, [
      component('checkout-service'),
      // Claims another component's name.
      component('checkout-web', 'checkout-service'),
      // Two components claim one alias.
      component('orders-api', 'orders'),
      component('orders-worker', 'orders'),
      // A sound alias still resolves.
      component('payments-gateway', 'payments'),
    ]);
    try {
      const res = await post(mockCredentials.user.header(ADMIN), {
        events: [
          deployment('run-1'),
          deployment('run-2', { service: 'orders' }),
          deployment('run-3', { service: 'payments' }),
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body.unattributedServices.sort()).toEqual([
        'checkout-service',
        'orders',
      ]);
      const mine = (await rows()).filter(r => r.source === ADMIN);
      expect(mine.map(r => [r.event_id, r.entity_ref])).toEqual([
        ['run-1', null],
        ['run-2', null],
        ['run-3', 'component:default/payments-gateway'],
      ]);

      const unattributed = await get('/unattributed');
      expect(unattributed.status).toBe(200);
      expect(unattributed.body.conflicts).toEqual([
        {
          alias: 'checkout-service',
          claimedBy: [
            'component:default/checkout-service',
            'component:default/checkout-web',
          ],
          reason: expect.stringContaining(
            'is the name of component:default/checkout-service',
          ),
        },
        {
          alias: 'orders',
          claimedBy: [
            'component:default/orders-api',
            'component:default/orders-worker',
          ],
          reason: expect.stringContaining('claimed by 2 components'),
        },
      ]);
      expect(unattributed.body.services).toEqual(
        expect.arrayContaining([
          { service: 'checkout-service', events: 2 },
          { service: 'orders', events: 1 },
        ]),
      );
    } finally {
      await backend.stop();
    }
  });
});
