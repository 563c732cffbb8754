import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import type { DoraDeploymentRow } from '@paved/plugin-dora-common';
import { DatabaseDoraStore } from './DatabaseDoraStore';

jest.setTimeout(60_000);

const window = {
  environment: 'production',
  from: new Date('2026-10-01T00:00:00Z'),
  to: new Date('2026-11-01T00:00:00Z'),
};

function analysed(
  entityRef: string,
  id: string,
  finishedAt: string,
): DoraDeploymentRow {
  return {
    id,
    source: 'ci',
    service: entityRef.split('/')[1],
    entityRef,
    environment: 'production',
    startedAt: finishedAt,
    finishedAt,
    commitSha: 'abc1234',
    rollback: false,
    unplanned: false,
    delivered: [],
    failed: id.endsWith('-failed'),
    failure: [],
    incidents: [],
    recoverySeconds: null,
    rework: false,
    reworkReasons: [],
  };
}

describe('DoraStore reads of large scopes', () => {
  const databases = TestDatabases.create();

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    async function storeWithThreeTeams() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraStore.create({
        database: mockServices.database({ knex }),
      });
      const refs = [
        'component:default/a',
        'component:default/b',
        'component:default/c',
      ];
      await store.ingest(
        'ci',
        refs.map((entityRef, i) => ({
          entityRef,
          event: {
            type: 'deployment' as const,
            id: `raw-${i}`,
            service: entityRef.split('/')[1],
            environment: 'production',
            status: 'success' as const,
            startedAt: '2026-10-02T09:00:00Z',
            finishedAt: `2026-10-0${i + 2}T10:00:00Z`,
            commitSha: 'abc1234',
          },
        })),
      );
      await store.replaceAnalyses(refs[0], 1, [
        analysed(refs[0], 'a1', '2026-10-02T10:00:00.000Z'),
        analysed(refs[0], 'a2-failed', '2026-10-05T10:00:00.000Z'),
      ]);
      await store.replaceAnalyses(refs[1], 1, [
        analysed(refs[1], 'b1', '2026-10-03T10:00:00.000Z'),
      ]);
      await store.replaceAnalyses(refs[2], 1, [
        analysed(refs[2], 'c1', '2026-10-04T10:00:00.000Z'),
      ]);
      return { store, refs };
    }

    /** A scope of `size` component refs, two of them with deployments. */
    const scopeOf = (size: number, refs: string[]) => [
      ...Array.from(
        { length: size - 2 },
        (_, i) => `component:default/service-${i}`,
      ),
      refs[0],
      refs[1],
    ];

    it('answers every read of a 5,000-component scope in full', async () => {
      const { store, refs } = await storeWithThreeTeams();
      const scope = scopeOf(5_000, refs);

      const verdicts = await store.deploymentVerdicts({
        ...window,
        entityRefs: scope,
      });
      expect(verdicts.map(v => v.entityRef).sort()).toEqual([
        refs[0],
        refs[0],
        refs[1],
      ]);

      const rows = await store.analysedDeployments({
        ...window,
        entityRefs: scope,
      });
      expect(rows.map(r => r.id)).toEqual(['a2-failed', 'b1', 'a1']);
      const failed = await store.analysedDeployments({
        ...window,
        entityRefs: scope,
        filter: 'failed',
      });
      expect(failed.map(r => r.id)).toEqual(['a2-failed']);

      const page = await store.analysedDeploymentPage({
        ...window,
        entityRefs: scope,
        limit: 2,
        offset: 1,
      });
      expect(page).toEqual({
        totalItems: 3,
        items: [
          expect.objectContaining({ id: 'b1' }),
          expect.objectContaining({ id: 'a1' }),
        ],
      });

      const facts = await store.factsFor({ entityRefs: scope });
      expect(facts.deployments.map(d => d.id).sort()).toEqual([
        'raw-0',
        'raw-1',
      ]);

      const versions = await store.versionsFor(scope);
      expect([...versions.keys()].sort()).toEqual([refs[0], refs[1]]);
      // Analysed at version 1; the ingest put every entity at version 1.
      expect([...(await store.staleAnalyses(scope)).keys()]).toEqual([]);
    });

    it('reads a scope longer than either database binds in one statement', async () => {
      const { store, refs } = await storeWithThreeTeams();
      // SQLite binds at most 32,766 parameters, PostgreSQL 65,535.
      const scope = scopeOf(70_000, refs);
      const facts = await store.factsFor({ entityRefs: scope });
      expect(facts.deployments.map(d => d.id).sort()).toEqual([
        'raw-0',
        'raw-1',
      ]);
      const page = await store.analysedDeploymentPage({
        ...window,
        entityRefs: scope,
        limit: 10,
        offset: 0,
      });
      expect(page.items.map(r => r.id)).toEqual(['a2-failed', 'b1', 'a1']);
    });

    it('reads a window in batches after a key, ties included, in the order of the whole list', async () => {
      const { store, refs } = await storeWithThreeTeams();
      // Three more deployments finished at the same moment as c1.
      await store.replaceAnalyses(refs[1], 2, [
        analysed(refs[1], 'b1', '2026-10-03T10:00:00.000Z'),
        analysed(refs[1], 'tie-a', '2026-10-04T10:00:00.000Z'),
        analysed(refs[1], 'tie-b', '2026-10-04T10:00:00.000Z'),
        {
          ...analysed(refs[1], 'c1', '2026-10-04T10:00:00.000Z'),
          source: 'other',
        },
      ]);
      const all = await store.analysedDeployments(window);
      expect(all).toHaveLength(7);
      const read = [];
      let after;
      let batches = 0;
      do {
        const batch = await store.analysedDeploymentsAfter({
          ...window,
          limit: 2,
          after,
        });
        expect(batch.items.length).toBeLessThanOrEqual(2);
        read.push(...batch.items);
        after = batch.next;
        batches++;
      } while (after && batches < 10);
      expect(read.map(r => [r.id, r.source])).toEqual(
        all.map(r => [r.id, r.source]),
      );
      expect(read.slice(1, 5).map(r => `${r.id}/${r.source}`)).toEqual([
        'tie-b/ci',
        'tie-a/ci',
        'c1/other',
        'c1/ci',
      ]);
    });

    it('pages in the database, newest first, the same order as the whole list', async () => {
      const { store, refs } = await storeWithThreeTeams();
      const all = await store.analysedDeployments(window);
      const pages = [];
      for (let offset = 0; offset < all.length; offset += 3) {
        const page = await store.analysedDeploymentPage({
          ...window,
          limit: 3,
          offset,
        });
        expect(page.totalItems).toBe(4);
        pages.push(...page.items);
      }
      expect(pages.map(r => r.id)).toEqual(all.map(r => r.id));
      expect(all.map(r => r.id)).toEqual(['a2-failed', 'c1', 'b1', 'a1']);
      expect(
        await store.analysedDeploymentPage({
          ...window,
          entityRefs: [refs[2]],
          limit: 10,
          offset: 5,
        }),
      ).toEqual({ items: [], totalItems: 1 });
    });
  });
});
