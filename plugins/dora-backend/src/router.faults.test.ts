import type { AddressInfo } from 'node:net';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  catalogServiceRef,
  type CatalogService,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { doraPlugin } from './plugin';

jest.setTimeout(60_000);

/*
 * What a client sees when something DORA depends on fails for a moment:
 * the catalog (ingest still stores the events) and the database (a 503
 * with a retry hint, after which the same request succeeds).
 */

const ADMIN = 'user:default/lena.fischer';
const CHECKOUT = 'component:default/checkout-service';

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout-service', namespace: 'default' },
  spec: { type: 'service', owner: 'checkout', lifecycle: 'production' },
};

const deployment = (
  id: string,
  status = 'success',
  service = 'checkout-service',
) => ({
  type: 'deployment',
  id,
  service,
  environment: 'production',
  status,
  startedAt: '2026-10-01T09:00:00Z',
  finishedAt: '2026-10-01T09:10:00Z',
  commitSha: 'abc1234',
});

/** The catalog, failing every call while `down` is set. */
function flakyCatalog(entities: Entity[]) {
  const state = { down: false };
  const healthy = catalogServiceMock({ entities });
  const catalog = new Proxy(healthy, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        state.down
          ? Promise.reject(new ServiceUnavailableError('catalog restarting'))
          : value.apply(target, args);
    },
  }) as CatalogService;
  return { state, catalog };
}

async function start(knex: Knex, catalog: CatalogService) {
  const backend = await startTestBackend({
    features: [
      doraPlugin,
      mockServices.database.factory({ knex }),
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalog,
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const request = async (path: string, body?: unknown) => {
    const res = await fetch(`http://localhost:${port}/api/dora${path}`, {
      method: body ? 'POST' : 'GET',
      headers: {
        authorization: mockCredentials.user.header(ADMIN),
        'content-type': 'application/json',
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const rows = () =>
    knex('dora_deployments')
      .select('event_id', 'status', 'entity_ref')
      .orderBy('event_id');
  return { backend, request, rows };
}

describe('DORA when what it depends on fails', () => {
  const databases = TestDatabases.create();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('stores events while the catalog does not answer, and attributes them once it does', async () => {
      const knex = await databases.init(databaseId);
      const { state, catalog } = flakyCatalog([checkout]);
      const { backend, request, rows } = await start(knex, catalog);
      try {
        // (Named by its entity ref: the plugin keeps what a name resolved
        // to for a while, and the name must be new during the outage.)
        const first = await request('/events', {
          events: [deployment('run-1', 'success', CHECKOUT)],
        });
        expect(first.status).toBe(200);

        state.down = true;
        const during = await request('/events', {
          events: [deployment('run-1', 'failure'), deployment('run-2')],
        });
        expect(during.status).toBe(200);
        expect(JSON.parse(during.text)).toEqual({
          accepted: 2,
          unchanged: 0,
          unattributedServices: ['checkout-service'],
        });
        // The stored event keeps its component; the new one waits for it.
        expect(await rows()).toEqual([
          { event_id: 'run-1', status: 'failure', entity_ref: CHECKOUT },
          { event_id: 'run-2', status: 'success', entity_ref: null },
        ]);

        state.down = false;
        // The next read attributes late arrivals from the catalog as it is.
        const unattributed = await request('/unattributed');
        expect(unattributed.status).toBe(200);
        expect(JSON.parse(unattributed.text).services).toEqual([]);
        expect((await rows()).map(r => r.entity_ref)).toEqual([
          CHECKOUT,
          CHECKOUT,
        ]);
      } finally {
        await backend.stop();
      }
    });
  });

  const postgres = databases
    .eachSupportedId()
    .filter(([id]) => id.startsWith('POSTGRES'));
  const describeOnPostgres = postgres.length > 0 ? describe : describe.skip;

  describeOnPostgres('on PostgreSQL', () => {
    it('answers a request whose database connection is lost 503 with Retry-After and no SQL, and the retry succeeds', async () => {
      const knex = await databases.init(postgres[0][0]);
      const { catalog } = flakyCatalog([checkout]);
      const { backend, request, rows } = await start(knex, catalog);
      try {
        // Hold the ingest on a lock, then end its connection mid-request.
        const admin = await knex.transaction();
        let lost: Awaited<ReturnType<typeof request>>;
        try {
          await admin.raw(
            'lock table dora_deployments in access exclusive mode',
          );
          const sending = request('/events', { events: [deployment('run-1')] });
          for (let tries = 0; tries < 200; tries++) {
            // A transaction sees one snapshot of the statistics unless cleared.
            await admin.raw('select pg_stat_clear_snapshot()');
            const { rows: waiting } = await admin.raw(
              `select count(*)::int as n from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock'`,
            );
            if (waiting[0].n > 0) break;
            await new Promise(resolve => setTimeout(resolve, 25));
          }
          await admin.raw(
            `select pg_terminate_backend(pid) from pg_stat_activity
              where datname = current_database() and pid <> pg_backend_pid()`,
          );
          lost = await sending;
        } finally {
          await admin.rollback();
        }

        expect(lost.status).toBe(503);
        expect(lost.headers.get('retry-after')).toBe('5');
        const body = JSON.parse(lost.text);
        expect(body.error).toEqual({
          name: 'ServiceUnavailableError',
          message:
            'The service is unavailable because its database connection was lost or could not be opened; retry in 5 seconds',
        });
        expect(lost.text).not.toMatch(/select|insert|dora_|terminat/i);
        expect(await rows()).toEqual([]);

        // A client retrying as told gets its events stored, once.
        let retried = await request('/events', {
          events: [deployment('run-1')],
        });
        const deadline = Date.now() + 5_000;
        while (retried.status === 503 && Date.now() < deadline) {
          await new Promise(resolve => setTimeout(resolve, 100));
          retried = await request('/events', { events: [deployment('run-1')] });
        }
        expect(retried.status).toBe(200);
        expect(JSON.parse(retried.text)).toMatchObject({ accepted: 1 });
        expect(await rows()).toEqual([
          { event_id: 'run-1', status: 'success', entity_ref: CHECKOUT },
        ]);
      } finally {
        await backend.stop();
      }
    });
  });
});
