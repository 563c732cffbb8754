import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { registerCostActions } from './actions';
import { DatabaseCostStore } from './database/DatabaseCostStore';
import { CostAllocator } from './service/CostAllocator';
import { CostService, defaultAllocationRules } from './service/CostService';
import { fixture, organisation } from './testing/organisation';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('cost MCP actions', () => {
  async function registryWith(
    result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  ) {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseCostStore.create({
      database: { getClient: async () => knex },
    });
    const catalog = catalogServiceMock({ entities: organisation });
    const auth = mockServices.auth();
    const allocator = CostAllocator.create({
      store,
      catalog,
      auth,
      logger: mockServices.logger.mock(),
      sharedLabels: [],
      rules: defaultAllocationRules,
    });
    const { days } = await store.replace({ source: 't', records: fixture });
    await allocator.afterImport({ days });
    const cost = CostService.create({
      store,
      catalog,
      config: mockServices.rootConfig(),
      rules: defaultAllocationRules,
      currency: 'USD',
      logger: mockServices.logger.mock(),
    });
    const registry = actionsRegistryServiceMock();
    const permissions = mockServices.permissions.mock({
      authorize: async requests => requests.map(() => ({ result })),
    });
    registerCostActions(registry, permissions, cost);
    return { registry, permissions, catalog };
  }

  it('answers get-entity-cost and get-cost-rankings for a permitted caller', async () => {
    const { registry, permissions } = await registryWith(AuthorizeResult.ALLOW);
    const { output } = await registry.invoke({
      id: 'test:get-entity-cost',
      input: {
        entityRef: 'component:default/checkout',
        from: '2026-10-01',
        to: '2026-10-02',
      },
      credentials: mockCredentials.user('user:default/alice'),
    });
    expect(output).toMatchObject({
      cost: { total: 52, direct: 40, distributed: 12 },
    });
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        expect.objectContaining({
          resourceRef: 'component:default/checkout',
        }),
      ],
      expect.anything(),
    );
    const rankings = await registry.invoke({
      id: 'test:get-cost-rankings',
      input: {
        entityRef: 'group:default/checkout-team',
        from: '2026-10-01',
        to: '2026-10-02',
      },
      credentials: mockCredentials.user('user:default/alice'),
    });
    expect(rankings.output).toMatchObject({
      rankings: {
        byCost: [{ entityRef: 'component:default/checkout', total: 52 }, {}],
      },
    });
  });

  it('refuses a caller the policy denies', async () => {
    const { registry } = await registryWith(AuthorizeResult.DENY);
    await expect(
      registry.invoke({
        id: 'test:get-entity-cost',
        input: { entityRef: 'component:default/checkout' },
        credentials: mockCredentials.user('user:default/mallory'),
      }),
    ).rejects.toThrow(
      'You may not read the cost of component:default/checkout',
    );
  });

  it('refuses a window over 731 days naming the parameters, before reading', async () => {
    const { registry, catalog } = await registryWith(AuthorizeResult.ALLOW);
    const read = jest.spyOn(catalog, 'getEntityByRef');
    await expect(
      registry.invoke({
        id: 'test:get-entity-cost',
        input: {
          entityRef: 'component:default/checkout',
          from: '2020-01-01',
          to: '2026-01-01',
        },
        credentials: mockCredentials.user('user:default/alice'),
      }),
    ).rejects.toThrow('from and to may be at most 731 days apart');
    await expect(
      registry.invoke({
        id: 'test:get-cost-rankings',
        input: {
          entityRef: 'group:default/checkout-team',
          from: '2026-10-01T00:00:00',
        },
        credentials: mockCredentials.user('user:default/alice'),
      }),
    ).rejects.toThrow('from must be a YYYY-MM-DD day');
    expect(read).not.toHaveBeenCalled();
  });

  it("reads the catalog with the caller's credentials", async () => {
    const { registry, catalog } = await registryWith(AuthorizeResult.ALLOW);
    const alice = mockCredentials.user('user:default/alice');
    const read = jest
      .spyOn(catalog, 'getEntityByRef')
      .mockImplementation(async () => undefined);
    await expect(
      registry.invoke({
        id: 'test:get-entity-cost',
        input: { entityRef: 'component:default/checkout' },
        credentials: alice,
      }),
    ).rejects.toThrow('No entity component:default/checkout in the catalog');
    expect(read).toHaveBeenCalledWith(expect.anything(), {
      credentials: alice,
    });
  });
});
