import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ScorecardCheck } from '@paved/plugin-scorecards-node';
import { AdoptionStore } from '../database/AdoptionStore';
import { ExceptionStore } from '../database/ExceptionStore';
import {
  ScorecardStore,
  type StoredScorecard,
} from '../database/ScorecardStore';
import { ScorecardService } from './ScorecardService';

jest.setTimeout(60_000);

/** An organisation of 1,000 components: the size whose roll-up is kept. */
const COMPONENTS = 1_000;
const TEAM = 'group:default/team-0';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-0', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  ...Array.from({ length: COMPONENTS }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: `service-${i}`, namespace: 'default' },
    // The first ten are the team's.
    spec: { type: 'service', owner: i < 10 ? 'team-0' : 'team-1' },
    relations:
      i < 10 ? [{ type: 'ownedBy', targetRef: TEAM }] : ([] as never[]),
  })),
];

const check = { id: 'has-owner', title: 'Has an owner' } as ScorecardCheck;

/** Every component at `level`, its one check passing. */
const everyComponentAt = (level: string): StoredScorecard[] =>
  entities
    .filter(e => e.kind === 'Component')
    .map(e => ({
      entityRef: `component:default/${e.metadata.name}`,
      level,
      checks: [{ id: check.id, outcome: 'pass', evidence: 'owned' }],
      evaluatedAt: new Date(),
    }));

const countAt = (
  rollup: { levels: Array<{ level: string | null; components: number }> },
  level: string,
) => rollup.levels.find(l => l.level === level)?.components;

describe('ScorecardService roll-ups', () => {
  const databases = TestDatabases.create();

  afterEach(() => jest.restoreAllMocks());

  it.each(databases.eachSupportedId())(
    'keeps the roll-up of a thousand components for ten seconds, and answers a team from the stored results at once (%s)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const store = await ScorecardStore.create({ database });
      const service = ScorecardService.create({
        store,
        adoption: await AdoptionStore.create({ database }),
        exceptions: await ExceptionStore.create({ database }),
        catalog: catalogServiceMock({ entities }),
        checks: [check],
        levels: [
          { id: 'bronze', title: 'Bronze', checks: [] },
          { id: 'silver', title: 'Silver', checks: [check.id] },
        ],
        exceptionMaxDays: 90,
      });
      const credentials = mockCredentials.user();
      const day = new Date().toISOString().slice(0, 10);

      await store.replaceAll(day, everyComponentAt('bronze'));
      const first = await service.rollup(undefined, 7, credentials);
      expect(first.components).toBe(COMPONENTS);
      expect(countAt(first, 'bronze')).toBe(COMPONENTS);

      // An evaluation pass (on any replica) levels every component up.
      await store.replaceAll(day, everyComponentAt('silver'));

      // The organisation's roll-up is the kept one for ten seconds…
      const kept = await service.rollup(undefined, 7, credentials);
      expect(countAt(kept, 'bronze')).toBe(COMPONENTS);
      // …while a team's is read from the stored results at once.
      const team = await service.rollup(TEAM, 7, credentials);
      expect(team.components).toBe(10);
      expect(countAt(team, 'silver')).toBe(10);

      // Past ten seconds the organisation's is read again.
      const now = Date.now();
      jest.spyOn(Date, 'now').mockReturnValue(now + 10_001);
      const later = await service.rollup(undefined, 7, credentials);
      expect(countAt(later, 'silver')).toBe(COMPONENTS);
      expect(countAt(later, 'bronze')).toBe(0);
    },
  );
});
