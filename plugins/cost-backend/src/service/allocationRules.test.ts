import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabaseCostStore } from '../database/DatabaseCostStore';
import { workload } from '../testing/records';
import { CostAllocator } from './CostAllocator';
import { CostService } from './CostService';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const DAY = '2026-10-01';
const window = { from: DAY, to: '2026-10-02' };

const component = (
  name: string,
  owner: string,
  selector: string,
  title?: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    ...(title ? { title } : {}),
    annotations: { 'paved.dev/cost-allocation': selector },
  },
  spec: { type: 'service', owner, lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
});

/**
 * Selectors that try to take other teams' cost, and one overlap within a
 * team.
 */
const entities: Entity[] = [
  component('search', 'search-team', 'app=search'),
  // Negations only: would match every row that has no `team` label.
  component('grabber', 'mallory-team', '!team'),
  // Same team: negations must not make the second more specific.
  component('api', 'checkout-team', 'app=api'),
  component('zz-api-variant', 'checkout-team', 'app=api,!legacy,!canary'),
  // Two teams claim the billing workload; the more specific selector
  // must not simply win.
  component('billing', 'billing-team', 'app=billing'),
  component('billing-poacher', 'mallory-team', 'app=billing,tier=web'),
];

const records = [
  workload(DAY, { app: 'search' }, 30),
  workload(DAY, { app: 'api' }, 20),
  workload(DAY, { app: 'billing', tier: 'web' }, 40),
  workload(DAY, { app: 'mystery' }, 10),
];

describe.each(databases.eachSupportedId())(
  'allocation rules against hijacking (%s)',
  id => {
    async function setup() {
      const knex = await databases.init(id);
      const store = await DatabaseCostStore.create({
        database: { getClient: async () => knex },
      });
      const catalog = catalogServiceMock({ entities });
      const logger = mockServices.logger.mock();
      const allocator = CostAllocator.create({
        store,
        catalog,
        auth: mockServices.auth(),
        logger,
        sharedLabels: [],
        rules: { sharedNamespaces: ['kube-system'] },
      });
      const { days } = await store.replace({ source: 'test', records });
      await allocator.afterImport({ days });
      const cost = CostService.create({
        store,
        catalog,
        config: mockServices.rootConfig(),
        rules: { idle: 'none', shared: 'none', sharedNamespaces: [] },
        currency: 'EUR',
        logger: mockServices.logger.mock(),
        allocator,
      });
      const costOf = async (name: string) =>
        cost.entityCost({
          scope: await cost.resolve(
            `component:default/${name}`,
            mockCredentials.service(),
          ),
          window,
          granularity: 'day',
        });
      return { cost, costOf, logger };
    }

    it('refuses a selector of negations only, and the entity says why', async () => {
      const { cost, costOf, logger } = await setup();
      const grabber = await costOf('grabber');
      expect(grabber.total).toBe(0);
      expect(grabber.allocationProblem).toMatch(
        /'!team' is not used: it has only negations.*add a positive requirement/,
      );
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('component:default/grabber'),
      );
      // The rows it would have taken stay unattributed.
      const unattributed = await cost.unattributed(window);
      expect(unattributed.rows).toEqual([
        expect.objectContaining({ labels: { app: 'billing', tier: 'web' } }),
        expect.objectContaining({ labels: { app: 'mystery' }, cost: 10 }),
      ]);
      expect((await costOf('search')).total).toBe(30);
      expect((await costOf('search')).allocationProblem).toBeUndefined();
    });

    it('does not count negations as specificity among one owner’s entities', async () => {
      const { costOf } = await setup();
      // Both require app=api only; the tie goes to the first entity ref.
      expect((await costOf('api')).total).toBe(20);
      expect((await costOf('zz-api-variant')).total).toBe(0);
    });

    it('keeps a label set claimed by different owners unattributed and lists the conflict', async () => {
      const { cost, costOf } = await setup();
      expect((await costOf('billing')).total).toBe(0);
      expect((await costOf('billing-poacher')).total).toBe(0);
      const unattributed = await cost.unattributed(window);
      expect(unattributed.unattributed).toBe(50);
      expect(unattributed.conflicts).toEqual([
        {
          labels: { app: 'billing', tier: 'web' },
          cost: 40,
          claims: [
            {
              entityRef: 'component:default/billing',
              owner: 'group:default/billing-team',
              selector: 'app=billing',
            },
            {
              entityRef: 'component:default/billing-poacher',
              owner: 'group:default/mallory-team',
              selector: 'app=billing,tier=web',
            },
          ],
        },
      ]);
    });
  },
);
