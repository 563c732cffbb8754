import type { Knex } from 'knex';
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import type { DoraEvent } from '@paved/plugin-dora-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DoraEventIngestor } from '../service/DoraEventIngestor';
import { DatabaseDoraStore } from './DatabaseDoraStore';

jest.setTimeout(60_000);

const deployment = (id: string, status: 'success' | 'failure'): DoraEvent => ({
  type: 'deployment',
  id,
  service: 'checkout-service',
  environment: 'production',
  status,
  startedAt: '2026-10-01T09:00:00Z',
  finishedAt: '2026-10-01T09:10:00Z',
  commitSha: 'abc1234',
});

const item = (id: string, status: 'success' | 'failure' = 'success') => ({
  event: deployment(id, status),
  entityRef: 'component:default/checkout-service',
});

/**
 * Makes the database refuse any row of `table` (deployments unless given)
 * stored under `source`, the way a constraint or a lost connection would
 * fail a write half-way.
 */
async function failWritesOf(
  knex: Knex,
  source: string,
  table = 'dora_deployments',
) {
  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      CREATE FUNCTION dora_test_fail() RETURNS trigger AS $$
      BEGIN
        IF NEW.source = '${source}' THEN
          RAISE EXCEPTION 'forced failure for %', NEW.source;
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await knex.raw(`
      CREATE TRIGGER dora_test_fail BEFORE INSERT OR UPDATE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION dora_test_fail()`);
  } else {
    for (const op of ['INSERT', 'UPDATE']) {
      await knex.raw(`
        CREATE TRIGGER dora_test_fail_${op.toLowerCase()} BEFORE ${op} ON ${table}
        WHEN NEW.source = '${source}'
        BEGIN SELECT RAISE(ABORT, 'forced failure'); END`);
    }
  }
}

describe('DoraStore writes', () => {
  const databases = TestDatabases.create();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('stores a batch of several sources as one transaction: all or nothing', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraStore.create({
        database: mockServices.database({ knex }),
      });
      await store.ingest('user:default/lena.fischer', [item('run-1')]);
      await failWritesOf(knex, 'service:ci-pipelines');

      await expect(
        store.ingestSources([
          // Written first: an update and a new row...
          {
            source: 'user:default/lena.fischer',
            events: [item('run-1', 'failure'), item('run-2')],
          },
          // ...then the second source's write fails.
          { source: 'service:ci-pipelines', events: [item('run-1')] },
        ]),
      ).rejects.toThrow();

      const rows = await knex('dora_deployments').select(
        'source',
        'event_id',
        'status',
      );
      expect(rows).toEqual([
        {
          source: 'user:default/lena.fischer',
          event_id: 'run-1',
          status: 'success',
        },
      ]);
      // The facts' version did not move either: no replica re-analyses.
      expect(await store.versionsFor()).toEqual(
        new Map([['component:default/checkout-service', 1]]),
      );

      // Nothing is left half-open: the same batch without the failing
      // source goes through.
      expect(
        await store.ingestSources([
          {
            source: 'user:default/lena.fischer',
            events: [item('run-1', 'failure'), item('run-2')],
          },
        ]),
      ).toEqual({ accepted: 2, unchanged: 0 });
    });

    it('stores a CI batch of new events of every type whole, and a later batch of new, re-sent and changed ones', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraStore.create({
        database: mockServices.database({ knex }),
      });
      const checkout = 'component:default/checkout-service';
      const payments = 'component:default/payments';
      const change: DoraEvent = {
        type: 'change',
        id: 'pr-7',
        service: 'checkout-service',
        sha: 'def5678',
        authoredAt: '2026-10-01T07:30:00+02:00',
        prNumber: 7,
        labels: ['hotfix'],
        aiAssisted: true,
      };
      const incident: DoraEvent = {
        type: 'incident',
        id: 'inc-1',
        service: 'payments',
        environment: 'production',
        openedAt: '2026-10-01T10:00:00Z',
        causedByDeploymentId: "run-'1'",
      };
      const first = [
        {
          event: {
            ...deployment("run-'1'", 'success'),
            commits: ['def5678', 'abc1234'],
            rollback: true,
            observedAt: '2026-10-01T09:11:00Z',
          },
          entityRef: checkout,
        },
        { event: change, entityRef: checkout },
        { event: incident, entityRef: payments },
        // Repeated in the batch: the last occurrence wins.
        {
          event: { ...incident, resolvedAt: '2026-10-01T11:00:00Z' },
          entityRef: payments,
        },
        // A service the catalog does not know: stored unattributed.
        {
          event: {
            ...deployment('run-x', 'failure'),
            service: 'legacy-billing',
          },
          entityRef: null,
        },
      ];
      expect(await store.ingest('service:ci-pipelines', first)).toEqual({
        accepted: 4,
        unchanged: 1,
      });
      const facts = await store.factsFor({});
      expect(facts.deployments).toEqual([
        expect.objectContaining({
          id: "run-'1'",
          entityRef: checkout,
          status: 'success',
          finishedAt: new Date('2026-10-01T09:10:00Z'),
          commits: ['def5678', 'abc1234'],
          rollback: true,
          unplanned: false,
        }),
      ]);
      expect(facts.changes).toEqual([
        expect.objectContaining({
          id: 'pr-7',
          authoredAt: new Date('2026-10-01T05:30:00Z'),
          prNumber: 7,
          labels: ['hotfix', 'ai-assisted'],
        }),
      ]);
      expect(facts.incidents).toEqual([
        expect.objectContaining({
          id: 'inc-1',
          entityRef: payments,
          resolvedAt: new Date('2026-10-01T11:00:00Z'),
          causedByDeploymentId: "run-'1'",
          causedBySha: null,
        }),
      ]);
      expect(await store.unattributedServices()).toEqual([
        { service: 'legacy-billing', events: 1 },
      ]);
      expect(await store.versionsFor()).toEqual(
        new Map([
          [checkout, 1],
          [payments, 1],
        ]),
      );

      // Re-sent unchanged, changed, and new: one change of each entity.
      expect(
        await store.ingest('service:ci-pipelines', [
          { event: change, entityRef: checkout },
          {
            event: { ...incident, resolvedAt: '2026-10-01T12:00:00Z' },
            entityRef: payments,
          },
          { event: deployment('run-2', 'success'), entityRef: checkout },
        ]),
      ).toEqual({ accepted: 2, unchanged: 1 });
      expect(
        (await store.factsFor({ entityRefs: [payments] })).incidents[0]
          .resolvedAt,
      ).toEqual(new Date('2026-10-01T12:00:00Z'));
      expect(await store.versionsFor()).toEqual(
        new Map([
          [checkout, 2],
          [payments, 2],
        ]),
      );
    });

    it('stores nothing of a batch of new events whose write fails half-way', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraStore.create({
        database: mockServices.database({ knex }),
      });
      // Deployments are written first, then changes: the change fails.
      await failWritesOf(knex, 'service:ci-pipelines', 'dora_changes');
      await expect(
        store.ingest('service:ci-pipelines', [
          {
            event: {
              type: 'change',
              id: 'pr-7',
              service: 'checkout-service',
              sha: 'def5678',
              authoredAt: '2026-10-01T07:30:00Z',
            },
            entityRef: 'component:default/checkout-service',
          },
          item('run-1'),
        ]),
      ).rejects.toThrow();
      expect(
        Number((await knex('dora_deployments').count({ n: '*' }))[0].n),
      ).toBe(0);
      expect(await store.versionsFor()).toEqual(new Map());
    });

    it('answers concurrent sends of the same events from several replicas without an error, storing and counting each event once', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      // Four stores on one database: four replicas of the backend.
      const replicas = [];
      for (let i = 0; i < 4; i++) {
        replicas.push(await DatabaseDoraStore.create({ database }));
      }
      const source = 'service:ci-pipelines';
      const batch = Array.from({ length: 300 }, (_, i) =>
        item(`run-${String(i).padStart(3, '0')}`),
      );
      // Each replica gets the batch twice, in its own order, all at once.
      const sends = replicas.flatMap((replica, r) => [
        replica.ingest(source, r % 2 ? [...batch].reverse() : batch),
        replica.ingestSources([{ source, events: batch }]),
      ]);
      const results = await Promise.all(sends);

      const total = results.reduce(
        (sum, result) => ({
          accepted: sum.accepted + result.accepted,
          unchanged: sum.unchanged + result.unchanged,
        }),
        { accepted: 0, unchanged: 0 },
      );
      expect(total).toEqual({
        accepted: batch.length,
        unchanged: batch.length * (sends.length - 1),
      });
      expect(
        Number((await knex('dora_deployments').count({ n: '*' }))[0].n),
      ).toBe(batch.length);
      // Stored once: one change of the entity's facts.
      expect(await replicas[0].versionsFor()).toEqual(
        new Map([['component:default/checkout-service', 1]]),
      );
    });

    it('counts a concurrent change of a stored event once, and keeps the last', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const a = await DatabaseDoraStore.create({ database });
      const b = await DatabaseDoraStore.create({ database });
      const source = 'service:ci-pipelines';
      await a.ingest(source, [item('run-1', 'success')]);
      const results = await Promise.all([
        a.ingest(source, [item('run-1', 'failure'), item('run-2')]),
        b.ingest(source, [item('run-1', 'failure'), item('run-2')]),
      ]);
      expect(results.map(r => r.accepted).sort()).toEqual([0, 2]);
      expect(results.map(r => r.unchanged).sort()).toEqual([0, 2]);
      expect(
        await knex('dora_deployments').orderBy('event_id').select('status'),
      ).toEqual([{ status: 'failure' }, { status: 'success' }]);
    });

    it('stores an event API batch with several source labels all or nothing', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraStore.create({
        database: mockServices.database({ knex }),
      });
      const ingestor = DoraEventIngestor.create({
        store,
        catalog: catalogServiceMock(),
        auth: mockServices.auth(),
      });
      const caller = 'service:ci-pipelines';
      await failWritesOf(knex, `${caller}#staging`);
      await expect(
        ingestor.ingestFromCaller(caller, [
          { ...deployment('run-1', 'success'), source: 'production' },
          { ...deployment('run-2', 'success'), source: 'staging' },
        ]),
      ).rejects.toThrow();
      // The first label's row was written before the second failed.
      expect(
        Number((await knex('dora_deployments').count({ n: '*' }))[0].n),
      ).toBe(0);
    });
  });
});
