import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { ScorecardStore, type StoredScorecard } from './ScorecardStore';

jest.setTimeout(60_000);

const scorecard = (
  name: string,
  level: string | null,
  outcomes: Array<'pass' | 'fail' | 'not-applicable'>,
): StoredScorecard => ({
  entityRef: `component:default/${name}`,
  level,
  checks: outcomes.map((outcome, i) => ({
    id: `check-${i}`,
    outcome,
    evidence: `${outcome} ${i}`,
  })),
  evaluatedAt: new Date('2026-12-04T10:00:00Z'),
});

describe('ScorecardStore', () => {
  const databases = TestDatabases.create();

  it.each(databases.eachSupportedId())(
    'answers the outcomes without the evidence, also for results stored before the outcomes were kept apart (%s)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await ScorecardStore.create({
        database: mockServices.database({ knex }),
      });
      await store.replaceAll('2026-12-04', [
        scorecard('a', 'bronze', ['pass', 'fail']),
        scorecard('b', null, ['fail', 'not-applicable']),
      ]);
      // A row written before the migration that added the column.
      await knex('scorecard_results')
        .where({ entity_ref: 'component:default/b' })
        .update({ outcomes: null });
      expect(
        (await store.outcomes()).sort((x, y) =>
          x.entityRef.localeCompare(y.entityRef),
        ),
      ).toEqual([
        {
          entityRef: 'component:default/a',
          level: 'bronze',
          outcomes: { 'check-0': 'pass', 'check-1': 'fail' },
        },
        {
          entityRef: 'component:default/b',
          level: null,
          outcomes: { 'check-0': 'fail', 'check-1': 'not-applicable' },
        },
      ]);
      expect(await store.outcomes(['component:default/a'])).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the newest results and one history row per day and component, however often evaluated (%s)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await ScorecardStore.create({
        database: mockServices.database({ knex }),
      });
      await store.replaceAll('2026-12-03', [
        scorecard('a', 'bronze', ['pass', 'fail']),
        scorecard('b', null, ['fail', 'fail']),
      ]);
      // Two passes on one day, as two replicas might run them: the second
      // replaces the first; b has left the catalog.
      const today = [
        scorecard('a', 'silver', ['pass', 'pass']),
        scorecard('c', 'bronze', ['pass', 'not-applicable']),
      ];
      await Promise.all([
        store.replaceAll('2026-12-04', today),
        store.replaceAll('2026-12-04', today),
      ]);

      const stored = await store.scorecards();
      expect(stored.map(s => [s.entityRef, s.level]).sort()).toEqual([
        ['component:default/a', 'silver'],
        ['component:default/c', 'bronze'],
      ]);
      expect((await store.scorecards(['component:default/c']))[0]).toEqual(
        today[1],
      );

      const history = await store.levelHistory('2026-12-01');
      expect(history.map(h => h.day)).toEqual([
        '2026-12-03',
        '2026-12-03',
        '2026-12-04',
        '2026-12-04',
      ]);
      expect(history).toEqual(
        expect.arrayContaining([
          { day: '2026-12-03', level: null, components: 1 },
          { day: '2026-12-03', level: 'bronze', components: 1 },
          { day: '2026-12-04', level: 'bronze', components: 1 },
          { day: '2026-12-04', level: 'silver', components: 1 },
        ]),
      );
      expect(
        await store.levelHistory('2026-12-04', ['component:default/a']),
      ).toEqual([{ day: '2026-12-04', level: 'silver', components: 1 }]);
    },
  );

  it.each(databases.eachSupportedId())(
    'reads and counts a scope of more components than one statement binds (%s)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await ScorecardStore.create({
        database: mockServices.database({ knex }),
      });
      const many = Array.from({ length: 1_200 }, (_, i) =>
        scorecard(`s${i}`, i % 3 === 0 ? 'gold' : null, ['pass']),
      );
      await store.replaceAll('2026-12-04', many);
      const refs = many.map(s => s.entityRef);
      expect(await store.scorecards(refs)).toHaveLength(1_200);
      expect(await store.levelHistory('2026-12-04', refs)).toEqual(
        expect.arrayContaining([
          { day: '2026-12-04', level: 'gold', components: 400 },
          { day: '2026-12-04', level: null, components: 800 },
        ]),
      );
    },
  );
});
