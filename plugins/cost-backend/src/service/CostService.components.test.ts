import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { CostStore } from '../database/CostStore';
import { DatabaseCostStore } from '../database/DatabaseCostStore';
import { DAY, fixture, organisation } from '../testing/organisation';
import { idle, workload } from '../testing/records';
import { CostAllocator } from './CostAllocator';
import { type AllocationRules, CostService } from './CostService';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const NEXT_DAY = '2026-10-02';
const twoDays = { from: DAY, to: '2026-10-03' };

/** The fixture's day, and a second one in two clusters with both pools. */
const records = [
  ...fixture,
  workload(NEXT_DAY, { app: 'checkout-svc' }, 30),
  workload(NEXT_DAY, { app: 'orders' }, 10),
  idle(NEXT_DAY, 4),
  workload(NEXT_DAY, { app: 'checkout-svc' }, 20, { cluster: 'staging' }),
  workload(NEXT_DAY, { app: 'pay-api', tier: 'prod' }, 7, {
    cluster: 'staging',
  }),
  workload(NEXT_DAY, { app: 'coredns' }, 6, {
    cluster: 'staging',
    namespace: 'kube-system',
  }),
  idle(NEXT_DAY, 9, 'staging'),
];

/** Components with no cost rows, every 500th with a budget. */
const bulk: Entity[] = Array.from({ length: 2500 }, (_, i) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: `bulk-${String(i).padStart(4, '0')}`,
    namespace: 'default',
    annotations: (i % 500 === 0
      ? { 'paved.dev/cost-budget': String(100 + i) }
      : {}) as Record<string, string>,
  },
  spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
}));

const caller = mockCredentials.service('plugin:scorecards');

describe.each(databases.eachSupportedId())(
  'CostService.componentCosts (%s)',
  id => {
    async function setup(entities: Entity[] = organisation) {
      const knex = await databases.init(id);
      const store = await DatabaseCostStore.create({
        database: { getClient: async () => knex },
      });
      const catalog = catalogServiceMock({ entities });
      const allocator = CostAllocator.create({
        store,
        catalog,
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        sharedLabels: [],
        rules: { sharedNamespaces: ['kube-system'] },
      });
      const { days } = await store.replace({ source: 'test', records });
      await allocator.afterImport({ days });
      const service = (
        rules: Partial<AllocationRules> = {},
        costStore: CostStore = store,
      ) =>
        CostService.create({
          store: costStore,
          catalog,
          config: mockServices.rootConfig(),
          rules: {
            idle: 'weighted',
            shared: 'weighted',
            sharedNamespaces: ['kube-system'],
            ...rules,
          },
          currency: 'EUR',
          logger: mockServices.logger.mock(),
        });
      return { store, catalog, service };
    }

    it.each<Partial<AllocationRules>>([
      { idle: 'weighted', shared: 'weighted' },
      { idle: 'even', shared: 'weighted' },
      { idle: 'weighted', shared: 'none' },
    ])(
      'gives each component with cost the total entityCost gives it (%o)',
      async rules => {
        const { service } = await setup();
        const cost = service(rules);
        const listed = await cost.componentCosts(caller, twoDays);
        expect(listed).toMatchObject({ ...twoDays, currency: 'EUR' });
        const components = organisation.filter(e => e.kind === 'Component');
        const expected = [];
        for (const { metadata } of components) {
          const entityRef = `component:default/${metadata.name}`;
          const { total } = await cost.entityCost({
            scope: await cost.resolve(entityRef, caller),
            window: twoDays,
            granularity: 'day',
          });
          if (total > 0) expected.push({ entityRef, total });
        }
        expected.sort((a, b) => (a.entityRef < b.entityRef ? -1 : 1));
        expect(expected.map(c => c.entityRef)).toEqual([
          'component:default/checkout',
          'component:default/orders',
          'component:default/payments',
          'component:default/payments-canary',
        ]);
        expect(listed.components).toEqual(expected);
      },
    );

    it("reads the catalog page by page with the caller's credentials, and allocates once", async () => {
      const { store, catalog, service } = await setup([
        ...organisation,
        ...bulk,
      ]);
      const queryEntities = jest.spyOn(catalog, 'queryEntities');
      const getEntitiesByRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
      const directCost = jest.fn(store.directCost.bind(store));
      const counted = new Proxy(store, {
        get: (target, name, receiver) =>
          name === 'directCost'
            ? directCost
            : Reflect.get(target, name, receiver),
      });

      const { components } = await service({}, counted).componentCosts(
        caller,
        twoDays,
      );

      // 2,506 components, at most 1,000 a page.
      expect(queryEntities).toHaveBeenCalledTimes(3);
      for (const [, options] of queryEntities.mock.calls) {
        expect(options).toEqual({ credentials: caller });
      }
      expect(getEntitiesByRefs).not.toHaveBeenCalled();
      // Every attributed entity in one allocation, not one per component.
      expect(directCost).toHaveBeenCalledTimes(1);
      expect(directCost.mock.calls[0][0]).toMatchObject({
        scope: { attributed: true },
        perEntity: true,
      });

      expect(components.map(c => c.entityRef)).toEqual([
        'component:default/bulk-0000',
        'component:default/bulk-0500',
        'component:default/bulk-1000',
        'component:default/bulk-1500',
        'component:default/bulk-2000',
        'component:default/checkout',
        'component:default/orders',
        'component:default/payments',
        'component:default/payments-canary',
      ]);
      expect(components[1]).toEqual({
        entityRef: 'component:default/bulk-0500',
        total: 0,
        budget: { monthly: 600, source: 'annotation' },
      });
    });
  },
);
