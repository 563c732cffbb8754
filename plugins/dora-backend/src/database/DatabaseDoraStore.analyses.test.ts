import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import type { DoraDeploymentRow } from '@paved/plugin-dora-common';
import { DatabaseDoraStore } from './DatabaseDoraStore';

jest.setTimeout(120_000);

const entityRef = 'component:default/checkout';
const window = {
  environment: 'production',
  from: new Date('2026-01-01T00:00:00Z'),
  to: new Date('2027-01-01T00:00:00Z'),
};

function analysed(i: number, failed = false): DoraDeploymentRow {
  const finishedAt = new Date(Date.UTC(2026, 5, 1) + i * 60_000).toISOString();
  return {
    id: `deploy-${i}`,
    source: 'ci',
    service: 'checkout',
    entityRef,
    environment: 'production',
    startedAt: finishedAt,
    finishedAt,
    commitSha: 'abc1234',
    rollback: false,
    unplanned: false,
    delivered: [],
    failed,
    failure: [],
    incidents: [],
    recoverySeconds: null,
    rework: false,
    reworkReasons: [],
  };
}

const history = (n: number) => Array.from({ length: n }, (_, i) => analysed(i));

describe('DoraStore analyses written by several replicas', () => {
  const databases = TestDatabases.create();

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    /** Two stores on one database: two replicas. */
    async function replicas() {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const first = await DatabaseDoraStore.create({ database });
      return [first, await DatabaseDoraStore.create({ database })];
    }

    it('lets replicas analysing one entity at once take turns: no error, and the newest analysis wins', async () => {
      const [a, b] = await replicas();
      const rows = history(400);
      for (let round = 0; round < 3; round++) {
        // The entity's facts reach version 6 of this round.
        const base = round * 6;
        for (let i = 1; i <= 6; i++) {
          await a.ingest('ci', [
            {
              entityRef,
              event: {
                type: 'change',
                id: `change-${base + i}`,
                service: 'checkout',
                sha: `abc${base + i}`,
                authoredAt: '2026-06-01T00:00:00Z',
              },
            },
          ]);
        }
        // Both replicas write every version at once, oldest last: each
        // write applies or finds a newer analysis and leaves it.
        const writes = [];
        for (let version = base + 6; version > base; version--) {
          const at = rows.slice(0, 300 + version * 4);
          writes.push(a.replaceAnalyses(entityRef, version, at));
          writes.push(b.replaceAnalyses(entityRef, version, at));
        }
        await Promise.all(writes);
        expect(await b.staleAnalyses()).toEqual(new Map());
        const stored = await a.analysedDeployments(window);
        expect(stored).toHaveLength(300 + (base + 6) * 4);
      }
    });

    it('never replaces an analysis with an older one', async () => {
      const [store] = await replicas();
      expect(await store.replaceAnalyses(entityRef, 5, history(10))).toBe(true);
      expect(await store.replaceAnalyses(entityRef, 4, history(3))).toBe(false);
      expect(await store.replaceAnalyses(entityRef, 5, history(3))).toBe(false);
      expect(await store.analysedDeployments(window)).toHaveLength(10);
    });

    it('updates changed verdicts and drops deployments no longer analysed', async () => {
      const [store] = await replicas();
      await store.replaceAnalyses(entityRef, 1, history(5));
      const next = history(4);
      next[1] = analysed(1, true);
      await store.replaceAnalyses(entityRef, 2, next);
      const stored = await store.analysedDeployments(window);
      expect(stored.map(r => [r.id, r.failed])).toEqual([
        ['deploy-3', false],
        ['deploy-2', false],
        ['deploy-1', true],
        ['deploy-0', false],
      ]);
      const failed = await store.analysedDeploymentPage({
        ...window,
        filter: 'failed',
        limit: 10,
        offset: 0,
      });
      expect(failed.items.map(r => r.id)).toEqual(['deploy-1']);
    });
  });
});

describe('DoraStore planner statistics on PostgreSQL', () => {
  const databases = TestDatabases.create();
  const postgres = databases
    .eachSupportedId()
    .filter(([id]) => id.startsWith('POSTGRES'));

  it.each(postgres)(
    'refreshes them itself after a large ingest, so plans do not assume empty tables (%s)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraStore.create({
        database: mockServices.database({ knex }),
      });
      const lastAnalyze = async () =>
        (
          await knex.raw(
            `SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'dora_deployments'`,
          )
        ).rows[0]?.last_analyze ?? null;
      expect(await lastAnalyze()).toBeNull();
      for (let batch = 0; batch < 6; batch++) {
        await store.ingest(
          'ci',
          Array.from({ length: 1000 }, (_, i) => ({
            entityRef,
            event: {
              type: 'deployment' as const,
              id: `deploy-${batch}-${i}`,
              service: 'checkout',
              environment: 'production',
              status: 'success' as const,
              startedAt: '2026-06-01T09:00:00Z',
              finishedAt: '2026-06-01T10:00:00Z',
              commitSha: 'abc1234',
            },
          })),
        );
      }
      let analyzed = null;
      for (let tries = 0; tries < 50 && !analyzed; tries++) {
        await new Promise(resolve => setTimeout(resolve, 100));
        analyzed = await lastAnalyze();
      }
      expect(analyzed).not.toBeNull();
    },
  );
});
