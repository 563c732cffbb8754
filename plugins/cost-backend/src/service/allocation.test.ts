import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabaseCostStore } from '../database/DatabaseCostStore';
import { cloud, workload } from '../testing/records';
import { DAY, fixture, organisation, window } from '../testing/organisation';
import { CostAllocator } from './CostAllocator';
import {
  type AllocationRules,
  CostService,
  type DistributionRule,
} from './CostService';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

describe.each(databases.eachSupportedId())('cost allocation (%s)', id => {
  async function setup(
    records = fixture,
    options: { sharedLabels?: string[] } = {},
  ) {
    const knex = await databases.init(id);
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
      sharedLabels: options.sharedLabels ?? [],
      rules: { sharedNamespaces: ['kube-system'] },
    });
    const { days } = await store.replace({ source: 'test', records });
    await allocator.afterImport({ days });
    const service = (rules: Partial<AllocationRules> = {}) =>
      CostService.create({
        store,
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
    const costOf = async (
      entityRef: string,
      rules: Partial<AllocationRules> = {},
      range = window,
    ) => {
      const cost = service(rules);
      return cost.entityCost({
        scope: await cost.resolve(entityRef, mockCredentials.service()),
        window: range,
        granularity: 'day',
      });
    };
    return { store, service, costOf };
  }

  it('allocates by the Kubernetes id, else the name, else the annotation, most specific first', async () => {
    const { costOf } = await setup();
    const direct = async (name: string) =>
      (
        await costOf(`component:default/${name}`, {
          idle: 'none',
          shared: 'none',
        })
      ).direct;
    expect(await direct('checkout')).toBe(40);
    expect(await direct('orders')).toBe(10);
    expect(await direct('payments')).toBe(25);
    expect(await direct('payments-canary')).toBe(5);
  });

  it('follows catalog changes on the next refresh', async () => {
    const knex = await databases.init(id);
    const store = await DatabaseCostStore.create({
      database: { getClient: async () => knex },
    });
    let catalog = catalogServiceMock({ entities: organisation });
    // The allocator reads whatever the catalog holds at refresh time.
    const liveCatalog = {
      queryEntities: (...args: Parameters<typeof catalog.queryEntities>) =>
        catalog.queryEntities(...args),
    } as unknown as typeof catalog;
    const allocator = CostAllocator.create({
      store,
      catalog: liveCatalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      sharedLabels: [],
      rules: { sharedNamespaces: ['kube-system'] },
    });
    const { days } = await store.replace({ source: 'test', records: fixture });
    await allocator.afterImport({ days });
    const unattributed = async () =>
      (
        await CostService.create({
          store,
          catalog,
          config: mockServices.rootConfig(),
          rules: {
            idle: 'none',
            shared: 'none',
            sharedNamespaces: ['kube-system'],
          },
          currency: 'USD',
          logger: mockServices.logger.mock(),
        }).unattributed(window)
      ).unattributed;
    expect(await unattributed()).toBe(15);
    // The mystery workload gets an owner.
    catalog = catalogServiceMock({
      entities: [
        ...organisation,
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'mystery', namespace: 'default' },
          spec: { owner: 'checkout-team' },
        },
      ],
    });
    expect(await allocator.refresh()).toBe(1);
    expect(await unattributed()).toBe(0);
  });

  it('breaks a tie between equally specific selectors alphabetically', async () => {
    const { costOf } = await setup([workload(DAY, { team: 'x' }, 9)]);
    expect((await costOf('component:default/alpha')).direct).toBe(9);
    expect((await costOf('component:default/zeta')).direct).toBe(0);
  });

  it('keeps rows that match nothing as unattributed, with their labels', async () => {
    const { service } = await setup();
    const unattributed = await service().unattributed(window);
    expect(unattributed).toMatchObject({
      currency: 'EUR',
      organisationTotal: 119,
      unattributed: 15,
      rows: [
        {
          labels: { app: 'mystery', team: 'ghosts' },
          cluster: 'prod',
          namespace: 'apps',
          cost: 15,
        },
      ],
    });
    expect(unattributed.attributedShare).toBeCloseTo(104 / 119, 6);
  });

  it.each<[DistributionRule, number, number]>([
    // 16 idle and 8 shared over 80 of direct cost; checkout has 40.
    ['weighted', 8, 4],
    // Four entities had cost in the cluster that day.
    ['even', 4, 2],
    ['none', 0, 0],
  ])(
    'distributes idle and shared-namespace cost by the %s rule, shown apart from direct cost',
    async (rule, idleShare, sharedShare) => {
      const { costOf } = await setup();
      const cost = await costOf('component:default/checkout', {
        idle: rule,
        shared: rule,
      });
      expect(cost).toMatchObject({
        currency: 'EUR',
        direct: 40,
        distributed: idleShare + sharedShare,
        total: 40 + idleShare + sharedShare,
        attributedShare: 1,
      });
      expect(cost.byCategory).toEqual({
        compute: 20,
        memory: 20,
        ...(idleShare ? { idle: idleShare } : {}),
        ...(sharedShare ? { shared: sharedShare } : {}),
      });
      expect(cost.series).toEqual([
        expect.objectContaining({ period: DAY, direct: 40 }),
      ]);
    },
  );

  it('keeps undistributed idle and shared cost as their own lines of the organisation', async () => {
    const { service } = await setup();
    const org = await service({ idle: 'none', shared: 'none' }).entityCost({
      window,
      granularity: 'day',
    });
    expect(org).toMatchObject({ total: 119, distributed: 0 });
    expect(org.byCategory.idle).toBe(16);
    expect(org.byCategory.shared).toBe(8);
    expect(org.attributedShare).toBeCloseTo(80 / 119, 6);
  });

  it('treats label sets matching cost.allocation.sharedLabels as shared', async () => {
    const { costOf } = await setup(
      [
        ...fixture,
        workload(DAY, { app: 'orders', 'cost-center': 'platform' }, 16),
      ],
      { sharedLabels: ['cost-center=platform'] },
    );
    // 8 (kube-system) + 16 shared; orders has 10 of 80 direct.
    const orders = await costOf('component:default/orders', { idle: 'none' });
    expect(orders).toMatchObject({ direct: 10, distributed: 3 });
  });

  it('sums a team over the components of its sub-groups, and a system over its parts', async () => {
    const { costOf, service } = await setup();
    // checkout + orders: 50 direct, 10 idle and 5 shared by weight.
    expect(await costOf('group:default/checkout-team')).toMatchObject({
      direct: 50,
      distributed: 15,
      total: 65,
    });
    expect(await costOf('system:default/shop')).toMatchObject({ total: 65 });
    // engineering owns nothing itself; its sub-groups own all four.
    expect(await costOf('group:default/engineering')).toMatchObject({
      direct: 80,
      total: 104,
    });
    const cost = service();
    const rankings = await cost.rankings(
      await cost.resolve(
        'group:default/engineering',
        mockCredentials.service(),
      ),
      window,
    );
    expect(rankings.byCost.map(r => [r.entityRef, r.total])).toEqual([
      ['component:default/checkout', 52],
      ['component:default/payments', 32.5],
      ['component:default/orders', 13],
      ['component:default/payments-canary', 6.5],
      ['component:default/alpha', 0],
      ['component:default/zeta', 0],
    ]);
  });

  it('reconciles allocated cost with the billed EffectiveCost per month', async () => {
    const { costOf } = await setup([
      ...fixture,
      cloud(DAY, { app: 'checkout-svc' }, 20),
      cloud('2026-11-03', { app: 'checkout-svc' }, 30),
    ]);
    const cost = await costOf(
      'component:default/checkout',
      { idle: 'none', shared: 'none' },
      { from: '2026-10-01', to: '2026-12-01' },
    );
    // October: 40 of Kubernetes cost on top of the 20 billed; November:
    // only the billed 30.
    expect(cost.reconciliation).toEqual([
      { month: '2026-10', allocated: 60, billed: 20, differencePercent: 200 },
      { month: '2026-11', allocated: 30, billed: 30, differencePercent: 0 },
    ]);
  });

  it("bills a cluster's node rows to its workloads in reconciliation, never as cost", async () => {
    // The nodes of cluster prod billed 80% of the 119 OpenCost allocated
    // there: a discount OpenCost's prices do not know.
    const { costOf, service } = await setup([
      ...fixture,
      cloud(DAY, { app: 'checkout-svc' }, 20),
      cloud(DAY, { 'eks:cluster-name': 'prod', app: 'checkout-svc' }, 95.2),
    ]);
    const checkout = await costOf('component:default/checkout');
    // Its own cloud row, not the node row that also carries its app tag.
    expect(checkout.direct).toBe(60);
    expect(checkout.total).toBe(72);
    // Billed: its cloud row and its 52 of 119 in prod times the 95.2 bill.
    const [october] = checkout.reconciliation;
    expect(october.allocated).toBeCloseTo(72, 6);
    expect(october.billed).toBeCloseTo(20 + (52 * 95.2) / 119, 6);
    expect(october.differencePercent).toBeCloseTo(
      ((72 - 61.6) / 61.6) * 100,
      6,
    );

    const org = await service().entityCost({ window, granularity: 'day' });
    // The node row is not cost of its own: OpenCost already allocated it.
    expect(org.total).toBeCloseTo(139, 6);
    expect(org.reconciliation[0].billed).toBeCloseTo(115.2, 6);
    const unattributed = await service().unattributed(window);
    expect(unattributed.organisationTotal).toBeCloseTo(139, 6);
    expect(unattributed.rows.map(r => r.labels)).toEqual([
      { app: 'mystery', team: 'ghosts' },
    ]);
  });
});
