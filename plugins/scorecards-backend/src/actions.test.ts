import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { MockActionsRegistry } from '@backstage/backend-test-utils/alpha';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { registerScorecardActions } from './actions';
import { builtinChecks } from './checks/builtinChecks';
import { defaultLevels } from './checks/levels';
import { AdoptionStore } from './database/AdoptionStore';
import { ExceptionStore } from './database/ExceptionStore';
import { ScorecardStore } from './database/ScorecardStore';
import { ScorecardService } from './service/ScorecardService';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'ledger', namespace: 'default' },
    spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

describe('get-scorecard action', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it("gives a component's level and failing checks, and a team's levels", async () => {
    const database = mockServices.database({
      knex: await databases.init('SQLITE_3'),
    });
    const store = await ScorecardStore.create({ database });
    await store.replaceAll(new Date().toISOString().slice(0, 10), [
      {
        entityRef: 'component:default/ledger',
        level: 'bronze',
        checks: [
          { id: 'has-owner', outcome: 'pass', evidence: 'Owned.' },
          { id: 'has-system', outcome: 'pass', evidence: 'Part of one.' },
          { id: 'has-techdocs', outcome: 'fail', evidence: 'No docs.' },
        ],
        evaluatedAt: new Date(),
      },
    ]);
    const registry = MockActionsRegistry.create({
      logger: mockServices.rootLogger({ level: 'none' }),
    });
    registerScorecardActions(
      registry,
      ScorecardService.create({
        store,
        adoption: await AdoptionStore.create({ database }),
        exceptions: await ExceptionStore.create({ database }),
        catalog: catalogServiceMock({ entities }),
        checks: builtinChecks({ minorVersionsBehind: 1 }),
        levels: defaultLevels,
        exceptionMaxDays: 180,
      }),
    );
    const invoke = (entityRef: string) =>
      registry.invoke({
        id: 'test:get-scorecard',
        input: { entityRef },
        credentials: mockCredentials.user(),
      }) as Promise<{ output: { scorecard: any } }>;

    const component = (await invoke('ledger')).output.scorecard;
    expect(component).toMatchObject({
      entityRef: 'component:default/ledger',
      level: 'bronze',
      nextLevel: 'silver',
    });
    expect(component.checks[0]).toMatchObject({
      id: 'has-techdocs',
      outcome: 'fail',
      evidence: 'No docs.',
      fix: expect.stringMatching(/mkdocs.yml/),
    });

    const team = (await invoke('group:default/payments')).output.scorecard;
    expect(team.levels[0]).toEqual({ level: 'bronze', components: 1 });
    expect(team.members).toEqual([
      {
        entityRef: 'component:default/ledger',
        level: 'bronze',
        failing: ['has-techdocs'],
      },
    ]);

    await expect(invoke('user:default/someone')).rejects.toThrow(
      /entityRef must name a group or a system/,
    );
  });
});
