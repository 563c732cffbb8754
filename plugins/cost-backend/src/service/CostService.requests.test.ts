import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabaseCostStore } from '../database/DatabaseCostStore';
import type { RequestCountSource } from '../prometheus';
import { fixture, organisation, window } from '../testing/organisation';
import { CostAllocator } from './CostAllocator';
import { CostService, defaultAllocationRules } from './CostService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Prometheus as the cost service meets it when it is down. */
const unreachable: RequestCountSource = {
  async dailyRequests() {
    throw new Error('connect ECONNREFUSED 10.0.0.9:9090');
  },
};

describe('CostService without Prometheus', () => {
  it('still answers every read, and says so in the log once, not per read', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseCostStore.create({
      database: { getClient: async () => knex },
    });
    const catalog = catalogServiceMock({ entities: organisation });
    const allocator = CostAllocator.create({
      store,
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      sharedLabels: [],
      rules: defaultAllocationRules,
    });
    const { days } = await store.replace({ source: 't', records: fixture });
    await allocator.afterImport({ days });
    const logger = mockServices.logger.mock();
    const cost = CostService.create({
      store,
      catalog,
      config: mockServices.rootConfig(),
      rules: defaultAllocationRules,
      currency: 'USD',
      requests: unreachable,
      logger,
    });

    for (let i = 0; i < 25; i++) {
      const answer = await cost.entityCost({
        scope: await cost.resolve(
          'component:default/checkout',
          mockCredentials.user(),
        ),
        window,
        granularity: 'day',
      });
      expect(answer.total).toBeGreaterThan(0);
      expect(answer.costPerRequestProblem).toMatch(/Prometheus did not answer/);
    }
    const warnings = logger.warn.mock.calls.map(call => String(call[0]));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ECONNREFUSED');
  });
});
