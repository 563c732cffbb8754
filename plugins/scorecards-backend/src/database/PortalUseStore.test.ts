import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { MAX_PAGES_PER_USER_AND_DAY, PortalUseStore } from './PortalUseStore';
import { ScorecardStore } from './ScorecardStore';

jest.setTimeout(60_000);

const page = (subject: string) => ({ kind: 'page' as const, subject });

describe('PortalUseStore', () => {
  const databases = TestDatabases.create();

  async function store(databaseId: Parameters<typeof databases.init>[0]) {
    const database = mockServices.database({
      knex: await databases.init(databaseId),
    });
    await ScorecardStore.create({ database });
    return PortalUseStore.create({ database });
  }

  it.each(databases.eachSupportedId())(
    'counts distinct users: a page opened again, or sent twice, counts once (%s)',
    async databaseId => {
      const use = await store(databaseId);
      const week = '2026-11-30';
      await use.record('2026-12-01', week, 'ann', [
        page('/scorecards'),
        page('/catalog/component'),
      ]);
      await use.record('2026-12-01', week, 'ann', [page('/scorecards')]);
      await use.record('2026-12-02', week, 'ann', [page('/scorecards')]);
      await use.record('2026-12-02', week, 'bob', [
        page('/scorecards'),
        { kind: 'docs', subject: 'component:default/checkout' },
      ]);
      await use.record('2026-11-24', '2026-11-23', 'cid', [page('/')]);

      expect(
        (await use.activeUsersPerWeek('2026-11-23')).sort((a, b) =>
          a.week.localeCompare(b.week),
        ),
      ).toEqual([
        { week: '2026-11-23', users: 1 },
        { week: '2026-11-30', users: 2 },
      ]);
      expect(await use.mostUsed('page', '2026-11-25', 10)).toEqual([
        { subject: '/scorecards', users: 2 },
        { subject: '/catalog/component', users: 1 },
      ]);
      expect(await use.mostUsed('docs', '2026-11-25', 10)).toEqual([
        { subject: 'component:default/checkout', users: 1 },
      ]);
      expect(await use.prune('2026-11-30')).toBe(1);
      expect(await use.activeUsersPerWeek('2026-11-23')).toEqual([
        { week: '2026-11-30', users: 2 },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'adds at most the daily limit of pages for one user (%s)',
    async databaseId => {
      const use = await store(databaseId);
      const pages = Array.from(
        { length: MAX_PAGES_PER_USER_AND_DAY + 50 },
        (_, i) => page(`/p${i}`),
      );
      await use.record('2026-12-01', '2026-11-30', 'ann', pages.slice(0, 150));
      await use.record('2026-12-01', '2026-11-30', 'ann', pages.slice(150));
      expect(await use.mostUsed('page', '2026-12-01', 1000)).toHaveLength(
        MAX_PAGES_PER_USER_AND_DAY,
      );
    },
  );
});
