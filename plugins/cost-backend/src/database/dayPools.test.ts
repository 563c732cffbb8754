import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { DatabaseCostStore } from './DatabaseCostStore';
import { idle, workload } from '../testing/records';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const rules = { sharedNamespaces: ['kube-system'] };
const window = { from: '2026-10-01', to: '2026-11-01' };
const days = ['2026-10-01', '2026-10-02', '2026-10-03'];

/** Rows on a cluster's days: a direct workload, a shared one and idle. */
function onCluster(cluster: string, cost: number) {
  return days.flatMap(day => [
    workload(day, { app: 'checkout' }, cost, { cluster }),
    workload(day, { app: 'dns' }, 1, { cluster, namespace: 'kube-system' }),
    idle(day, cost / 4, cluster),
  ]);
}

/** How many of this database's sessions wait for a lock. */
async function waitingForLocks(knex: Knex): Promise<number> {
  const { rows } = await knex.raw(
    `SELECT COUNT(*) AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return Number(rows[0].n);
}

async function until(condition: () => Promise<boolean>) {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('Timed out waiting');
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

describe.each(databases.eachSupportedId())(
  'DatabaseCostStore day pools across replicas (%s)',
  id => {
    /** Two imports on one database, allocated; no pools written yet. */
    async function replicasOn() {
      const knex = await databases.init(id);
      const database = { getClient: async () => knex };
      // Stores on one database: replicas of the backend.
      // Created one after another, as the backend's migrations run.
      const replicas: DatabaseCostStore[] = [];
      for (let i = 0; i < 4; i++) {
        replicas.push(await DatabaseCostStore.create({ database }));
      }
      const [store] = replicas;
      const imports = [
        await store.replace({
          source: 'opencost:a',
          records: onCluster('a', 10),
        }),
        await store.replace({
          source: 'opencost:b',
          records: onCluster('b', 20),
        }),
      ];
      await store.saveAllocations(
        (
          await store.labelSets()
        ).map(l => ({
          id: l.id,
          entityRef: `component:default/${l.labels.app}`,
          shared: false,
          nodeCluster: null,
        })),
      );
      return { knex, store, replicas, imports };
    }

    /** The stored pools, in (day, cluster) order. */
    async function poolsOf(store: DatabaseCostStore) {
      const pools = await store.dayPools(window);
      return pools.sort(
        (x, y) =>
          x.day.localeCompare(y.day) || x.cluster.localeCompare(y.cluster),
      );
    }

    /** The pools a sequential full rewrite stores. */
    async function sequential(store: DatabaseCostStore) {
      await store.refreshDayPools(rules);
      return poolsOf(store);
    }

    it('rewrites the same days at two replicas at once without failing, as a sequential run would', async () => {
      const { knex, store, replicas, imports } = await replicasOn();
      const [replicaA, replicaB] = replicas;
      // Holds both rewrites after their deletes and before their inserts
      // (which read cost_rows), the moment two replicas meet on PostgreSQL:
      // an upload's rewrite of its days while the allocator rewrites all.
      let hold: Knex.Transaction | undefined;
      if (id !== 'SQLITE_3') {
        hold = await knex.transaction();
        await hold.raw('LOCK TABLE cost_rows IN ACCESS EXCLUSIVE MODE');
      }
      const rewrites = Promise.allSettled([
        replicaA.refreshDayPools(rules),
        replicaB.refreshDayPools(rules, imports[1]),
      ]);
      if (hold) {
        await until(async () => (await waitingForLocks(knex)) >= 2);
        await hold.commit();
      }
      const outcomes = await rewrites;
      expect(outcomes.map(o => o.status)).toEqual(['fulfilled', 'fulfilled']);
      const raced = await poolsOf(store);
      expect(raced).toHaveLength(6);
      expect(raced).toEqual(await sequential(store));
    });

    it('ends four replicas racing overlapping rewrites with the pools of a sequential run', async () => {
      const { store, replicas, imports } = await replicasOn();
      const outcomes = await Promise.allSettled(
        replicas.flatMap(replica => [
          replica.refreshDayPools(rules),
          replica.refreshDayPools(rules, imports[0]),
          replica.refreshDayPools(rules, { days: [days[1]] }),
        ]),
      );
      expect(outcomes.filter(o => o.status === 'rejected')).toEqual([]);
      const raced = await poolsOf(store);
      expect(raced).toHaveLength(6);
      expect(raced).toEqual(await sequential(store));
    });
  },
);
