import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import type { CostRecord } from '@paved/plugin-cost-common';
import type { Knex } from 'knex';
import { DatabaseCostStore } from './DatabaseCostStore';
import { cloud, workload } from '../testing/records';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

/**
 * Every row in cost_rows, whichever import it belongs to: rows an import
 * left behind count here although no day refers to them.
 */
async function everyRow(knex: Knex) {
  const [{ n, cost }] = await knex('cost_rows')
    .count({ n: '*' })
    .sum({ cost: 'effective_cost' });
  return { rows: Number(n), cost: Number(cost ?? 0) };
}

/** The rows the source's days refer to, per day. */
async function daysOf(knex: Knex, source: string) {
  const rows = (await knex('cost_source_days as s')
    .join('cost_rows as r', join =>
      join.on('r.import_id', '=', 's.import_id').andOn('r.day', '=', 's.day'),
    )
    .where('s.source', source)
    .select('r.day as day')
    .count({ n: '*' })
    .sum({ cost: 'r.effective_cost' })
    .groupBy('r.day')
    .orderBy('r.day')) as Array<{ day: string; n: string; cost: string }>;
  return Object.fromEntries(
    rows.map(r => [r.day, { rows: Number(r.n), cost: Number(r.cost) }]),
  );
}

/** `count` rows of one day costing `each`, with a few label sets. */
function bill(count: number, each: number, day = '2026-10-01') {
  return Array.from({ length: count }, (_, i) =>
    cloud(day, { app: `svc-${i % 5}` }, each),
  );
}

/**
 * Records that stop after the first `before` until `release` is called:
 * an import held open part-way, as a long upload or slow run is.
 */
function heldOpen(records: CostRecord[], before: number) {
  let release!: () => void;
  const released = new Promise<void>(resolve => {
    release = resolve;
  });
  let reached!: () => void;
  const waiting = new Promise<void>(resolve => {
    reached = resolve;
  });
  async function* generate() {
    for (let i = 0; i < records.length; i++) {
      if (i === before) {
        reached();
        await released;
      }
      yield records[i];
    }
  }
  return { records: generate(), release, waiting };
}

describe.each(databases.eachSupportedId())(
  'DatabaseCostStore imports (%s)',
  id => {
    async function storeOn() {
      const knex = await databases.init(id);
      const database = { getClient: async () => knex };
      const store = await DatabaseCostStore.create({ database });
      return { knex, store, database };
    }

    it('refuses a second import of a source while one is running (409), and keeps the first whole', async () => {
      const { knex, store } = await storeOn();
      await store.replace({ source: 'focus:aws', records: bill(10, 1) });
      const first = heldOpen(bill(3000, 2), 1500);
      const running = store.replace({
        source: 'focus:aws',
        records: first.records,
      });
      await first.waiting;
      const second = store.replace({
        source: 'focus:aws',
        records: bill(700, 3),
      });
      await expect(second).rejects.toThrow(ConflictError);
      await expect(second).rejects.toThrow(
        'An import of source focus:aws is running; try again when it has finished',
      );
      // Another source is not refused (on SQLite it waits for the one
      // connection).
      const other = store.replace({ source: 'focus:gcp', records: bill(4, 5) });
      first.release();
      await running;
      await other;
      expect(await daysOf(knex, 'focus:aws')).toEqual({
        '2026-10-01': { rows: 3000, cost: 6000 },
      });
      expect(await everyRow(knex)).toEqual({ rows: 3004, cost: 6020 });
      // Once it has finished, the source imports again: replaced, not added.
      await store.replace({ source: 'focus:aws', records: bill(700, 3) });
      expect(await everyRow(knex)).toEqual({ rows: 704, cost: 2120 });
    });

    it('ends two replicas importing one source at once with exactly one import’s rows', async () => {
      const { knex, database } = await storeOn();
      // Two stores on one database: two replicas of the backend.
      const replicaA = await DatabaseCostStore.create({ database });
      const replicaB = await DatabaseCostStore.create({ database });
      await replicaA.replace({ source: 'opencost:prod', records: bill(10, 1) });
      const slow = heldOpen(
        Array.from({ length: 2500 }, (_, i) =>
          workload('2026-10-01', { app: `a${i % 9}` }, 2),
        ),
        1200,
      );
      const a = replicaA.replace({
        source: 'opencost:prod',
        records: slow.records,
      });
      await slow.waiting;
      const b = replicaB
        .replace({
          source: 'opencost:prod',
          records: Array.from({ length: 1800 }, () =>
            workload('2026-10-01', { app: 'b' }, 3),
          ),
        })
        .then(
          () => 'stored',
          e => (e instanceof ConflictError ? `409 ${e.message}` : e),
        );
      // On PostgreSQL B is answered while A still holds its lock (releasing
      // A first would let B start after A had committed); on SQLite B waits
      // for the one connection, so A must be released first.
      const outcomeB = id === 'SQLITE_3' ? undefined : await b;
      slow.release();
      await a;
      const expected =
        id === 'SQLITE_3'
          ? // One connection: B waited for A, then replaced A's rows.
            { outcome: 'stored', rows: { rows: 1800, cost: 5400 } }
          : // B was refused by the database's lock while A was storing.
            {
              outcome:
                '409 An import of source opencost:prod is running; try again when it has finished',
              rows: { rows: 2500, cost: 5000 },
            };
      expect({
        outcome: outcomeB ?? (await b),
        rows: await everyRow(knex),
      }).toEqual(expected);
    });

    it('leaves one import’s rows, never a mix or a double, when imports race freely', async () => {
      const { knex, database } = await storeOn();
      const replicas = await Promise.all(
        [1, 2, 3].map(() => DatabaseCostStore.create({ database })),
      );
      const outcomes = await Promise.allSettled(
        replicas.map((replica, i) =>
          replica.replace({
            source: 'focus:aws',
            records: bill(1200, i + 1),
          }),
        ),
      );
      const refusals = outcomes.flatMap(o =>
        o.status === 'rejected' ? [o.reason] : [],
      );
      expect(refusals.filter(r => !(r instanceof ConflictError))).toEqual([]);
      expect(outcomes.some(o => o.status === 'fulfilled')).toBe(true);
      const rows = await everyRow(knex);
      expect(rows.rows).toBe(1200);
      expect([1200, 2400, 3600]).toContain(rows.cost);
      expect(await daysOf(knex, 'focus:aws')).toEqual({
        '2026-10-01': rows,
      });
    });

    it('removes rows an earlier import left behind when the source imports again', async () => {
      const { knex, store } = await storeOn();
      await store.replace({ source: 'focus:aws', records: bill(3, 1) });
      // Rows under an import no day refers to: what an import that lost a
      // race, before the lock, left.
      const [created] = await knex('cost_imports')
        .insert({ source: 'focus:aws', created_at: new Date() })
        .returning('id');
      const orphanImport = Number(
        typeof created === 'object' ? created.id : created,
      );
      const [row] = await knex('cost_rows').select().limit(1);
      await knex('cost_rows').insert(
        Array.from({ length: 5 }, () => ({ ...row, import_id: orphanImport })),
      );
      expect((await everyRow(knex)).rows).toBe(8);
      await store.replace({ source: 'focus:aws', records: bill(3, 1) });
      expect(await everyRow(knex)).toEqual({ rows: 3, cost: 3 });
      expect(
        await knex('cost_imports').where({ id: orphanImport }).select(),
      ).toEqual([]);
    });

    it('stores the calls of a transaction together, or none of them when a late one fails', async () => {
      const { knex, store } = await storeOn();
      await store.replace({ source: 'focus:aws', records: bill(4, 1) });
      await store.replace({
        source: 'focus:aws:corrections-2026-10-01',
        records: bill(2, 1, '2026-09-30'),
      });
      const before = await everyRow(knex);
      await expect(
        store.transaction(async tx => {
          await tx.replace({ source: 'focus:aws', records: bill(50, 9) });
          await tx.replace({
            source: 'focus:aws:corrections-2026-10-01',
            records: [
              cloud('2026-09-30', {}, 1),
              cloud('2026-09-30', {}, 1, { resourceName: 'vol\u00001' }),
            ],
          });
        }),
      ).rejects.toThrow('Cost record 2: resourceName contains a NUL character');
      expect(await everyRow(knex)).toEqual(before);
      expect(await daysOf(knex, 'focus:aws')).toEqual({
        '2026-10-01': { rows: 4, cost: 4 },
      });
      // The locks went with the transaction.
      const { result, days } = await store.transaction(async tx => {
        await tx.replace({ source: 'focus:aws', records: bill(5, 2) });
        return (
          await tx.replace({
            source: 'focus:aws:corrections-2026-10-01',
            records: bill(1, 7, '2026-09-29'),
          })
        ).stored;
      });
      expect(result).toBe(1);
      expect(days).toEqual(['2026-09-29', '2026-10-01']);
      expect(await everyRow(knex)).toEqual({ rows: 8, cost: 19 });
    });

    it('refuses text longer than its column with a 400 naming it, and stores nothing', async () => {
      const { knex, store } = await storeOn();
      const long = [
        { regionId: 'r'.repeat(64) },
        { chargeCategory: 'c'.repeat(64) },
        { serviceName: 's'.repeat(256) },
        { cluster: 'k'.repeat(254) },
      ];
      for (const extra of long) {
        const field = Object.keys(extra)[0];
        const records = bill(1500, 1);
        records.push(cloud('2026-10-01', {}, 1, extra));
        const replace = store.replace({ source: 'focus:aws', records });
        await expect(replace).rejects.toThrow(InputError);
        await expect(replace).rejects.toThrow(
          new RegExp(`^Cost record 1501: ${field} is \\d+ characters long`),
        );
      }
      expect(await everyRow(knex)).toEqual({ rows: 0, cost: 0 });
      // The limit counts characters, as the database does, not UTF-16 units.
      await store.replace({
        source: 'focus:aws',
        records: [cloud('2026-10-01', {}, 1, { regionId: '🚀'.repeat(63) })],
      });
      const [row] = await knex('cost_rows').select('region_id');
      expect(row.region_id).toBe('🚀'.repeat(63));
    });

    it('refuses a source id longer than its column and a period of more than ten years', async () => {
      const { store } = await storeOn();
      await expect(
        store.replace({ source: `focus:${'a'.repeat(200)}`, records: [] }),
      ).rejects.toThrow('A cost source id is at most 200 characters long');
      await expect(
        store.replace({
          source: 'focus:aws',
          from: '0001-01-01',
          to: '9999-12-31',
          records: [],
        }),
      ).rejects.toThrow('A replace covers at most 3660 days');
    });

    it('stores and pools an import with hundreds of clusters (chunked statements)', async () => {
      const { store } = await storeOn();
      const clusters = Array.from({ length: 1100 }, (_, i) => `cluster-${i}`);
      const result = await store.replace({
        source: 'opencost:fleet',
        from: '2026-10-01',
        to: '2026-10-02',
        records: clusters.map(cluster =>
          workload('2026-10-01', { app: 'a' }, 1, { cluster }),
        ),
      });
      expect(result.clusters).toHaveLength(1100);
      await store.saveAllocations(
        (
          await store.labelSets()
        ).map(l => ({
          id: l.id,
          entityRef: 'component:default/a',
          shared: false,
          nodeCluster: null,
        })),
      );
      const rules = { sharedNamespaces: [] };
      const window = { from: '2026-10-01', to: '2026-10-02' };
      await store.refreshDayPools(rules, result);
      const incremental = await store.dayPools(window);
      expect(incremental).toHaveLength(1100);
      await store.refreshDayPools(rules);
      expect(await store.dayPools(window)).toEqual(incremental);
      // Replacing them all again supersedes an import of 1,100 clusters.
      const again = await store.replace({
        source: 'opencost:fleet',
        from: '2026-10-01',
        to: '2026-10-02',
        records: [workload('2026-10-01', { app: 'a' }, 1)],
      });
      expect(again.clusters).toHaveLength(1101);
    });
  },
);
