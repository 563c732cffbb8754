import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { DatabaseCostStore } from './DatabaseCostStore';
import { cloud, failingAfter, idle, workload } from '../testing/records';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

async function storeOn(id: Parameters<TestDatabases['init']>[0]) {
  const knex = await databases.init(id);
  const store = await DatabaseCostStore.create({
    database: { getClient: async () => knex },
  });
  return { knex, store };
}

/** What a source has stored: rows and total cost per day. */
async function stored(knex: Knex, source: string) {
  const rows = (await knex('cost_rows as r')
    .join('cost_imports as i', 'i.id', 'r.import_id')
    .where('i.source', source)
    .select('r.day as day')
    .count({ n: '*' })
    .sum({ cost: 'r.effective_cost' })
    .groupBy('r.day')
    .orderBy('r.day')) as Array<{ day: string; n: string; cost: string }>;
  return Object.fromEntries(
    rows.map(r => [r.day, { rows: Number(r.n), cost: Number(r.cost) }]),
  );
}

describe.each(databases.eachSupportedId())('DatabaseCostStore (%s)', id => {
  it('stores a source, reports it and knows which days are final', async () => {
    const { knex, store } = await storeOn(id);
    const result = await store.replace({
      source: 'opencost:prod',
      from: '2026-10-01',
      to: '2026-10-03',
      final: true,
      description: 'https://opencost.prod',
      records: [
        workload('2026-10-01', { app: 'checkout' }, 10, {
          cpuEfficiency: 0.5,
          cpuCoreHours: 24,
        }),
        workload('2026-10-02', { app: 'checkout' }, 12),
        workload('2026-10-02', { app: 'orders' }, 3),
      ],
    });
    expect(result).toEqual({
      stored: 3,
      days: ['2026-10-01', '2026-10-02'],
      clusters: ['prod'],
    });
    expect(await stored(knex, 'opencost:prod')).toEqual({
      '2026-10-01': { rows: 1, cost: 10 },
      '2026-10-02': { rows: 2, cost: 15 },
    });
    expect(
      await store.finalDays('opencost:prod', '2026-09-30', '2026-10-05'),
    ).toEqual(new Set(['2026-10-01', '2026-10-02']));
    expect(await store.sources()).toEqual([
      {
        source: 'opencost:prod',
        lastDay: '2026-10-02',
        lastImportAt: expect.any(String),
        rows: 3,
      },
    ]);
    // Labels are kept once per distinct set.
    const [{ n }] = await knex('cost_label_sets').count({ n: '*' });
    expect(Number(n)).toBe(2);
  });

  it('stores nothing when the records throw part-way and passes the error on', async () => {
    const { knex, store } = await storeOn(id);
    await store.replace({
      source: 'focus:aws',
      records: [cloud('2026-10-01', { app: 'checkout' }, 5)],
    });
    const before = await stored(knex, 'focus:aws');
    const badRow = new Error('row 4: BilledCost is not a number: "abc"');
    const many = Array.from({ length: 2500 }, (_, i) =>
      cloud('2026-10-01', { app: `svc-${i % 7}` }, 1),
    );
    await expect(
      store.replace({
        source: 'focus:aws',
        records: failingAfter(many, badRow),
      }),
    ).rejects.toBe(badRow);
    expect(await stored(knex, 'focus:aws')).toEqual(before);
    const [{ n }] = await knex('cost_label_sets').count({ n: '*' });
    expect(Number(n)).toBe(1);
    expect(await store.sources()).toEqual([
      expect.objectContaining({ source: 'focus:aws', rows: 1 }),
    ]);
  });

  it('rejects a record with a bad day, naming it, and stores nothing', async () => {
    const { knex, store } = await storeOn(id);
    await expect(
      store.replace({
        source: 'focus:aws',
        records: [cloud('2026-10-01', {}, 1), cloud('2026-02-30', {}, 1)],
      }),
    ).rejects.toThrow('Cost record 2: day is not a YYYY-MM-DD day: 2026-02-30');
    await expect(
      store.replace({
        source: 'focus:aws',
        from: '2026-10-01',
        to: '2026-10-02',
        records: [cloud('2026-10-02', {}, 1)],
      }),
    ).rejects.toThrow(/Cost record 1: day 2026-10-02 is outside/);
    expect(await stored(knex, 'focus:aws')).toEqual({});
  });

  it('stores text and numbers exactly as the source gave them', async () => {
    const { knex, store } = await storeOn(id);
    const odd = 'Zürich\tcolumn "quoted", back\\slash\nnew line — 東京 🚀';
    await store.replace({
      source: 'focus:aws',
      records: [
        cloud('2026-10-01', { app: 'checkout' }, 0.1 + 0.2, {
          resourceName: odd,
          serviceCategory: '',
          billedCost: -1.5e-7,
          listCost: 12345678.123456789,
          cpuEfficiency: undefined,
        }),
      ],
    });
    const [row] = await knex('cost_rows').select();
    expect(row).toMatchObject({
      day: '2026-10-01',
      kind: 'cloud',
      resource_name: odd,
      resource_id: 'arn:aws:rds:eu-west-1:1:db/checkout',
      service_category: null,
      cluster: null,
      cpu_efficiency: null,
    });
    expect(Number(row.effective_cost)).toBe(0.1 + 0.2);
    expect(Number(row.cost_cloud_services)).toBe(0.1 + 0.2);
    expect(Number(row.billed_cost)).toBe(-1.5e-7);
    expect(Number(row.list_cost)).toBe(12345678.123456789);
  });

  it('rejects text the database cannot hold, naming the record, and stores nothing', async () => {
    const { knex, store } = await storeOn(id);
    const records = Array.from({ length: 1500 }, (_, i) =>
      cloud('2026-10-01', { app: `svc-${i % 7}` }, 1),
    );
    records.push(cloud('2026-10-01', {}, 1, { resourceName: 'vol\u00001' }));
    await expect(
      store.replace({ source: 'focus:aws', records }),
    ).rejects.toThrow(
      'Cost record 1501: resourceName contains a NUL character',
    );
    expect(await stored(knex, 'focus:aws')).toEqual({});
    expect(await store.sources()).toEqual([]);
  });

  it('changes nothing when the same call is replayed', async () => {
    const { knex, store } = await storeOn(id);
    const call = () =>
      store.replace({
        source: 'focus:aws',
        records: (function* rows() {
          for (let i = 0; i < 1200; i++) {
            // 1,200 distinct label sets: more than one insert batch.
            yield cloud(`2026-10-0${(i % 3) + 1}`, { app: `a${i}` }, 2);
          }
        })(),
      });
    await call();
    const first = await stored(knex, 'focus:aws');
    await call();
    expect(await stored(knex, 'focus:aws')).toEqual(first);
    expect(first['2026-10-01']).toEqual({ rows: 400, cost: 800 });
    const [{ n }] = await knex('cost_label_sets').count({ n: '*' });
    expect(Number(n)).toBe(1200);
  });

  it('replaces the given period, or the days the records cover, of that source only', async () => {
    const { knex, store } = await storeOn(id);
    await store.replace({
      source: 'opencost:prod',
      records: [
        workload('2026-10-01', { app: 'a' }, 1),
        workload('2026-10-02', { app: 'a' }, 2),
        workload('2026-10-03', { app: 'a' }, 3),
      ],
    });
    await store.replace({
      source: 'opencost:staging',
      records: [workload('2026-10-02', { app: 'a' }, 100)],
    });
    // Without from/to only the covered day 2026-10-02 is replaced.
    await store.replace({
      source: 'opencost:prod',
      records: [workload('2026-10-02', { app: 'a' }, 20)],
    });
    expect(await stored(knex, 'opencost:prod')).toEqual({
      '2026-10-01': { rows: 1, cost: 1 },
      '2026-10-02': { rows: 1, cost: 20 },
      '2026-10-03': { rows: 1, cost: 3 },
    });
    // With from/to, days of the period without records are emptied.
    await store.replace({
      source: 'opencost:prod',
      from: '2026-10-02',
      to: '2026-10-04',
      records: [workload('2026-10-03', { app: 'a' }, 30)],
    });
    expect(await stored(knex, 'opencost:prod')).toEqual({
      '2026-10-01': { rows: 1, cost: 1 },
      '2026-10-03': { rows: 1, cost: 30 },
    });
    expect(await stored(knex, 'opencost:staging')).toEqual({
      '2026-10-02': { rows: 1, cost: 100 },
    });
  });

  it('rewrites the day pools of the clusters an import touched as a full rewrite would', async () => {
    const { store } = await storeOn(id);
    const rules = { sharedNamespaces: ['kube-system'] };
    const window = { from: '2026-09-01', to: '2026-11-01' };
    const importAndCompare = async (
      request: Parameters<DatabaseCostStore['replace']>[0],
    ) => {
      const result = await store.replace(request);
      await store.saveAllocations(
        (
          await store.labelSets({ onlyUnallocated: true })
        ).map(l => ({
          id: l.id,
          entityRef: l.labels.app ? `component:default/${l.labels.app}` : null,
          shared: false,
          nodeCluster: null,
        })),
      );
      await store.refreshDayPools(rules, result);
      const incremental = await store.dayPools(window);
      await store.refreshDayPools(rules);
      expect(incremental).toEqual(await store.dayPools(window));
      return { result, pools: incremental };
    };
    const onCluster = (cluster: string, days: string[], cost: number) =>
      days.flatMap(day => [
        workload(day, { app: 'checkout' }, cost, { cluster }),
        workload(day, { app: 'dns' }, 1, { cluster, namespace: 'kube-system' }),
        idle(day, cost / 4, cluster),
      ]);
    const days = ['2026-10-01', '2026-10-02', '2026-10-03'];
    await importAndCompare({
      source: 'opencost:a',
      from: '2026-10-01',
      to: '2026-10-04',
      records: onCluster('prod', days, 8),
    });
    await importAndCompare({
      source: 'opencost:b',
      from: '2026-10-01',
      to: '2026-10-04',
      records: onCluster('staging', days, 2),
    });
    await importAndCompare({
      source: 'focus:aws',
      records: [
        cloud('2026-10-01', { app: 'checkout' }, 5),
        cloud('2026-10-01', { team: 'x' }, 3),
      ],
    });
    // The source's rows for two days move to another cluster: the old
    // cluster's pools of those days go, the others stay.
    const moved = await importAndCompare({
      source: 'opencost:a',
      from: '2026-10-01',
      to: '2026-10-03',
      records: onCluster('prod-2', ['2026-10-01', '2026-10-02'], 8),
    });
    expect(moved.result.clusters).toEqual(['prod', 'prod-2']);
    const keys = moved.pools.map(p => `${p.day} ${p.cluster}`).sort();
    expect(keys).toEqual([
      '2026-10-01 ',
      '2026-10-01 prod-2',
      '2026-10-01 staging',
      '2026-10-02 prod-2',
      '2026-10-02 staging',
      '2026-10-03 prod',
      '2026-10-03 staging',
    ]);
    // A day replaced with nothing: the cloud pool of 10-01 goes.
    const emptied = await importAndCompare({
      source: 'focus:aws',
      from: '2026-10-01',
      to: '2026-10-02',
      records: [],
    });
    expect(emptied.result.clusters).toEqual(['']);
    expect(emptied.pools.some(p => p.cluster === '')).toBe(false);
  });
});
