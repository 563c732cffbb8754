import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabaseCostStore } from '../database/DatabaseCostStore';
import { organisation } from '../testing/organisation';
import { idle, workload } from '../testing/records';
import { CostAllocator } from './CostAllocator';
import { CostSink } from './CostSink';

jest.setTimeout(60_000);

const databases = TestDatabases.create();
const rules = { sharedNamespaces: ['kube-system'] };
const window = { from: '2026-10-01', to: '2026-11-01' };

describe.each(databases.eachSupportedId())('CostSink (%s)', id => {
  async function setup() {
    const knex = await databases.init(id);
    const store = await DatabaseCostStore.create({
      database: { getClient: async () => knex },
    });
    const allocator = CostAllocator.create({
      store,
      catalog: catalogServiceMock({ entities: organisation }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      sharedLabels: [],
      rules,
    });
    const sink = CostSink.create({ store, allocator });
    /** The stored pools, and what a full rewrite from the rows gives. */
    const pools = async () => {
      const stored = await store.dayPools(window);
      await store.refreshDayPools(rules);
      return { stored, rewritten: await store.dayPools(window) };
    };
    return { knex, store, allocator, sink, pools };
  }

  const run = (cluster: string, days: string[]) => ({
    source: `opencost:${cluster}`,
    from: days[0],
    to: `2026-10-0${Number(days[days.length - 1].slice(-1)) + 1}`,
    final: true,
    records: days.flatMap(day => [
      workload(day, { app: 'orders' }, 10, { cluster }),
      workload(day, { app: 'dns' }, 2, { cluster, namespace: 'kube-system' }),
      idle(day, 3, cluster),
    ]),
  });

  it('brings the pools of every call in a batch up to date once, at its end', async () => {
    const { sink, store, pools } = await setup();
    await sink.batch(async batched => {
      await batched.replace(run('prod', ['2026-10-01', '2026-10-02']));
      // Stored, and not yet in the pools.
      expect(await store.dayPools(window)).toEqual([]);
      await batched.replace(run('staging', ['2026-10-03']));
    });
    const { stored, rewritten } = await pools();
    expect(stored.map(p => `${p.day} ${p.cluster}`).sort()).toEqual([
      '2026-10-01 prod',
      '2026-10-02 prod',
      '2026-10-03 staging',
    ]);
    expect(stored).toEqual(rewritten);
  });

  it('still brings the pools of what was stored up to date when the batch fails', async () => {
    const { sink, pools } = await setup();
    const failure = new Error('OpenCost answered 502');
    await expect(
      sink.batch(async batched => {
        await batched.replace(run('prod', ['2026-10-01']));
        throw failure;
      }),
    ).rejects.toBe(failure);
    const { stored, rewritten } = await pools();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ idle: 3, shared: 2, total: 10 });
    expect(stored).toEqual(rewritten);
  });

  it('stores the calls of a transaction together, or nothing of them when one fails', async () => {
    const { sink, store, pools } = await setup();
    await sink.replace(run('prod', ['2026-10-01']));
    const before = await store.dayPools(window);
    const failure = new Error('row 9: a late bad row');
    await expect(
      sink.transaction(async tx => {
        await tx.replace(run('prod', ['2026-10-01', '2026-10-02']));
        await tx.replace({
          ...run('staging', ['2026-10-03']),
          records: (async function* rows() {
            yield* run('staging', ['2026-10-03']).records;
            throw failure;
          })(),
        });
      }),
    ).rejects.toBe(failure);
    // The first call was rolled back with the second.
    expect(
      await store.finalDays('opencost:prod', '2026-10-01', '2026-10-05'),
    ).toEqual(new Set(['2026-10-01']));
    expect(await store.dayPools(window)).toEqual(before);

    await sink.transaction(async tx => {
      await tx.replace(run('prod', ['2026-10-01', '2026-10-02']));
      // Inside it, finalDays sees the transaction's own calls.
      expect(
        await tx.finalDays('opencost:prod', '2026-10-01', '2026-10-05'),
      ).toEqual(new Set(['2026-10-01', '2026-10-02']));
      await tx.replace(run('staging', ['2026-10-03']));
    });
    const { stored, rewritten } = await pools();
    expect(stored.map(p => `${p.day} ${p.cluster}`).sort()).toEqual([
      '2026-10-01 prod',
      '2026-10-02 prod',
      '2026-10-03 staging',
    ]);
    expect(stored).toEqual(rewritten);
  });

  it('rewrites day pools that are missing (after an upgrade) on the next refresh', async () => {
    const { knex, sink, allocator, store } = await setup();
    await sink.replace(run('prod', ['2026-10-01']));
    const before = await store.dayPools(window);
    await knex('cost_day_pools').delete();
    await allocator.refresh();
    expect(await store.dayPools(window)).toEqual(before);
  });
});
