import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { defaultLevels } from '../checks/levels';
import { AdoptionStore } from '../database/AdoptionStore';
import { PortalUseStore } from '../database/PortalUseStore';
import { TemplateVersionStore } from '../database/TemplateVersionStore';
import { summariseReleases } from '../checks/releases';
import {
  ScorecardStore,
  type StoredScorecard,
} from '../database/ScorecardStore';
import { PortalUseService } from './PortalUseService';
import { DemoHistory } from './DemoHistory';

jest.setTimeout(60_000);

const NOW = new Date('2026-12-04T10:00:00Z');
const TODAY = '2026-12-04';

const scorecard = (name: string, level: string | null): StoredScorecard => ({
  entityRef: `component:default/${name}`,
  level,
  checks: [{ id: 'has-owner', outcome: 'pass', evidence: '' }],
  evaluatedAt: NOW,
});

describe('DemoHistory', () => {
  const databases = TestDatabases.create();

  it.each(databases.eachSupportedId())(
    'makes up a past that climbs to today, once, without touching a recorded day (%s)',
    async databaseId => {
      const database = mockServices.database({
        knex: await databases.init(databaseId),
      });
      const scorecards = await ScorecardStore.create({ database });
      const adoption = await AdoptionStore.create({ database });
      const portalUse = await PortalUseStore.create({ database });
      const versions = await TemplateVersionStore.create({ database });
      await scorecards.replaceAll(
        TODAY,
        Array.from({ length: 12 }, (_, i) => scorecard(`c${i}`, 'gold')),
      );
      const today = {
        day: TODAY,
        components: 12,
        onGoldenPath: 10,
        onCurrentVersion: 8,
        teams: 4,
        teamsOnGoldenPath: 4,
        templateRuns: null,
        releases: [],
      };
      await adoption.record(today);
      // A real day already recorded stays as it is.
      await adoption.record({ ...today, day: '2026-12-03', onGoldenPath: 3 });

      const demo = new DemoHistory({
        days: 84,
        levels: defaultLevels,
        scorecards,
        adoption,
        portalUse,
        versions,
      });
      await demo.fill(NOW);
      await demo.fill(NOW);

      const history = await scorecards.levelHistory('2026-01-01');
      const gold = (day: string) =>
        history.find(h => h.day === day && h.level === 'gold')?.components ?? 0;
      expect(new Set(history.map(h => h.day)).size).toBe(85);
      // Everyone is gold today; twelve weeks back nobody was yet.
      expect(gold(TODAY)).toBe(12);
      expect(gold('2026-09-11')).toBe(0);
      expect(gold('2026-11-20')).toBeLessThan(12);

      const days = await adoption.history('2026-01-01');
      expect(days).toHaveLength(85);
      expect(days[0].onGoldenPath).toBeLessThan(today.onGoldenPath);
      expect(days.find(d => d.day === '2026-12-03')?.onGoldenPath).toBe(3);
      expect(days.at(-1)).toEqual(today);

      const use = await new PortalUseService(portalUse).summary(12, NOW);
      const active = use.weeks.map(w => w.activeUsers);
      expect(active.slice(0, -1).every(n => n > 0)).toBe(true);
      expect(active[10]).toBeGreaterThan(active[0]);
      expect(use.pages[0]).toEqual({ subject: '/', users: 17 });
    },
  );

  it.each(databases.eachSupportedId())(
    'makes up a release six weeks back that its components took up over the days after (%s)',
    async databaseId => {
      const database = mockServices.database({
        knex: await databases.init(databaseId),
      });
      const scorecards = await ScorecardStore.create({ database });
      const adoption = await AdoptionStore.create({ database });
      const portalUse = await PortalUseStore.create({ database });
      const versions = await TemplateVersionStore.create({ database });
      const template = 'template:default/node-service';
      const onPath = ['a', 'b', 'c'].map(name => ({
        entityRef: `component:default/${name}`,
        templateRef: template,
        version: name === 'c' ? '1.2.0' : '1.3.0',
      }));
      // The first evaluation: the template and its components seen at once.
      await versions.record(
        NOW,
        [{ templateRef: template, version: '1.3.0' }],
        onPath,
      );
      const summary = async () =>
        summariseReleases(
          new Map([[template, '1.3.0']]),
          onPath,
          await versions.releases([template]),
          await versions.componentVersions([template]),
        );
      expect(await summary()).toEqual([
        {
          templateRef: template,
          version: '1.3.0',
          releasedAt: null,
          components: 3,
          current: 2,
          upgraded: 0,
          medianDays: null,
        },
      ]);
      await scorecards.replaceAll(TODAY, [scorecard('a', 'gold')]);
      await adoption.record({
        day: TODAY,
        components: 3,
        onGoldenPath: 3,
        onCurrentVersion: 2,
        teams: 1,
        teamsOnGoldenPath: 1,
        templateRuns: null,
        releases: await summary(),
      });
      const demo = () =>
        new DemoHistory({
          days: 84,
          levels: defaultLevels,
          scorecards,
          adoption,
          portalUse,
          versions,
        });
      await demo().fill(NOW);
      const [release] = await summary();
      expect(release).toMatchObject({
        releasedAt: '2026-10-23T10:00:00.000Z',
        components: 3,
        current: 2,
        upgraded: 2,
      });
      expect(release.medianDays).toBeGreaterThan(0);
      expect(release.medianDays).toBeLessThan(42);
      // Another process's demo leaves the release where it is.
      await demo().fill(NOW);
      expect(await summary()).toEqual([release]);
      // Recording the same versions again changes nothing.
      await versions.record(
        new Date(NOW.getTime() + 60_000),
        [{ templateRef: template, version: '1.3.0' }],
        onPath,
      );
      expect(await summary()).toEqual([release]);
    },
  );

  it.each(databases.eachSupportedId())(
    'waits for a first evaluation, and makes up nothing when off (%s)',
    async databaseId => {
      const database = mockServices.database({
        knex: await databases.init(databaseId),
      });
      const scorecards = await ScorecardStore.create({ database });
      const adoption = await AdoptionStore.create({ database });
      const portalUse = await PortalUseStore.create({ database });
      const versions = await TemplateVersionStore.create({ database });
      const demo = (days: number) =>
        new DemoHistory({
          days,
          levels: defaultLevels,
          scorecards,
          adoption,
          portalUse,
          versions,
        });
      await demo(84).fill(NOW);
      expect(await adoption.history('2026-01-01')).toEqual([]);
      await scorecards.replaceAll(TODAY, [scorecard('c0', 'gold')]);
      await adoption.record({
        day: TODAY,
        components: 1,
        onGoldenPath: 1,
        onCurrentVersion: 1,
        teams: 1,
        teamsOnGoldenPath: 1,
        templateRuns: null,
      });
      await demo(0).fill(NOW);
      expect(await adoption.history('2026-01-01')).toHaveLength(1);
      expect(await scorecards.levelHistory('2026-01-01')).toHaveLength(1);
    },
  );
});
