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
 * Makes the database refuse any deployment stored under `source`, the way
 * a constraint or a lost connection would fail a write half-way.
 */
async function failWritesOf(knex: Knex, source: string) {
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
      CREATE TRIGGER dora_test_fail BEFORE INSERT OR UPDATE ON dora_deployments
      FOR EACH ROW EXECUTE FUNCTION dora_test_fail()`);
  } else {
    for (const op of ['INSERT', 'UPDATE']) {
      await knex.raw(`
        CREATE TRIGGER dora_test_fail_${op.toLowerCase()} BEFORE ${op} ON dora_deployments
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
