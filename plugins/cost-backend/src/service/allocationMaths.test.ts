import type {
  CostSums,
  DirectCostRow,
  DirectTotalRow,
  PoolRow,
} from '../database/CostStore';
import { emptySums } from '../database/costSums';
import {
  allocateDays,
  attributedShareOf,
  byPeriod,
  costPoint,
  type DayCost,
  type DayCosts,
  defaultAllocationRules,
  distributedShare,
  efficiencyOf,
  emptyDay,
  organisationDays,
  rankMembers,
  sumByMonth,
  sumEntities,
} from './allocationMaths';

/** Direct cost of compute only, unless categories are given. */
function sums(
  byCategory: Partial<CostSums['byCategory']>,
  extra: Partial<Omit<CostSums, 'byCategory'>> = {},
): CostSums {
  const result = emptySums();
  for (const [category, value] of Object.entries(byCategory)) {
    result.byCategory[category as keyof CostSums['byCategory']] = value;
    result.total += value;
  }
  return { ...result, ...extra };
}

function row(
  entityRef: string | null,
  day: string,
  byCategory: Partial<CostSums['byCategory']>,
  cluster = 'prod',
): DirectCostRow {
  return { entityRef, day, cluster, entities: 1, ...sums(byCategory) };
}

function pool(
  day: string,
  values: Partial<PoolRow & DirectTotalRow>,
): PoolRow & DirectTotalRow {
  return {
    day,
    cluster: 'prod',
    idle: 0,
    shared: 0,
    cloud: 0,
    nodeCost: 0,
    total: 0,
    entities: 0,
    ...values,
  };
}

function dayCost(cost: Partial<DayCost> & { direct?: CostSums }): DayCost {
  return { ...emptyDay(), ...cost };
}

describe('distributedShare', () => {
  const all = { total: 300, entities: 3 };

  it('gives a pool by share of direct cost when weighted', () => {
    expect(
      distributedShare('weighted', 60, { total: 100, entities: 1 }, all),
    ).toBe(20);
  });

  it('gives a pool by share of entities when even', () => {
    expect(distributedShare('even', 60, { total: 100, entities: 1 }, all)).toBe(
      20,
    );
    expect(distributedShare('even', 60, { total: 250, entities: 2 }, all)).toBe(
      40,
    );
  });

  it('falls back to even when nobody had cost to weigh by', () => {
    expect(
      distributedShare(
        'weighted',
        60,
        { total: 0, entities: 1 },
        { total: 0, entities: 4 },
      ),
    ).toBe(15);
  });

  it('gives nothing with rule none, an empty pool or no entities', () => {
    const own = { total: 100, entities: 1 };
    expect(distributedShare('none', 60, own, all)).toBe(0);
    expect(distributedShare('weighted', 0, own, all)).toBe(0);
    expect(distributedShare('even', 60, own, { total: 300, entities: 0 })).toBe(
      0,
    );
  });
});

describe('allocateDays', () => {
  const pools = [
    pool('2026-10-01', {
      idle: 30,
      shared: 12,
      total: 300,
      entities: 2,
      nodeCost: 400,
    }),
  ];

  it('adds the idle and shared pools of the day and cluster by the rules', () => {
    const result = allocateDays({
      direct: [
        row('component:default/a', '2026-10-01', { compute: 100 }),
        row('component:default/b', '2026-10-01', { compute: 200 }),
      ],
      pools,
      nodeBills: [],
      rules: { ...defaultAllocationRules, shared: 'even' },
      perEntity: true,
    });
    const a = result.get('component:default/a')!.get('2026-10-01')!;
    const b = result.get('component:default/b')!.get('2026-10-01')!;
    expect(a.direct.total).toBe(100);
    expect(a.distributedIdle).toBe(10);
    expect(b.distributedIdle).toBe(20);
    expect(a.distributedShared).toBe(6);
    expect(b.distributedShared).toBe(6);
  });

  it('distributes nothing to rows of a day or cluster without a pool', () => {
    const result = allocateDays({
      direct: [
        row('component:default/a', '2026-10-02', { compute: 100 }),
        row('component:default/a', '2026-10-01', { compute: 100 }, 'dev'),
      ],
      pools,
      nodeBills: [{ day: '2026-10-01', cluster: 'prod', billed: 800 }],
      rules: defaultAllocationRules,
      perEntity: true,
    });
    const days = result.get('component:default/a')!;
    expect(days.get('2026-10-02')).toEqual(
      dayCost({ direct: sums({ compute: 100 }) }),
    );
    expect(days.get('2026-10-01')).toEqual(
      dayCost({ direct: sums({ compute: 100 }) }),
    );
  });

  it("gives a workload its part of the nodes' bill: what it runs on the nodes over what they cost", () => {
    const result = allocateDays({
      direct: [
        row('component:default/a', '2026-10-01', {
          compute: 60,
          memory: 30,
          gpu: 10,
          storage: 50,
        }),
      ],
      pools: [
        pool('2026-10-01', {
          idle: 40,
          total: 150,
          entities: 1,
          nodeCost: 400,
        }),
      ],
      nodeBills: [{ day: '2026-10-01', cluster: 'prod', billed: 200 }],
      rules: defaultAllocationRules,
      perEntity: true,
    });
    const a = result.get('component:default/a')!.get('2026-10-01')!;
    // Compute, memory, GPU and the idle it was given (not storage): 140 of
    // the 400 the nodes cost by OpenCost, of a bill of 200.
    expect(a.distributedIdle).toBe(40);
    expect(a.billedNodes).toBe(70);
  });

  it('sums a group of entities under "scope" when not per entity', () => {
    const result = allocateDays({
      direct: [{ ...row(null, '2026-10-01', { compute: 300 }), entities: 2 }],
      pools,
      nodeBills: [],
      rules: { ...defaultAllocationRules, idle: 'even' },
      perEntity: false,
    });
    expect([...result.keys()]).toEqual(['scope']);
    expect(result.get('scope')!.get('2026-10-01')!.distributedIdle).toBe(30);
  });
});

describe('sumEntities', () => {
  it('adds the days of several entities, node bills included', () => {
    const perEntity = new Map<string, DayCosts>([
      [
        'component:default/a',
        new Map([
          [
            '2026-10-01',
            dayCost({
              direct: sums({ compute: 10 }),
              distributedIdle: 1,
              billedNodes: 4,
            }),
          ],
        ]),
      ],
      [
        'component:default/b',
        new Map([
          [
            '2026-10-01',
            dayCost({
              direct: sums({ memory: 20 }),
              distributedShared: 2,
              billedNodes: 5,
            }),
          ],
          ['2026-10-02', dayCost({ direct: sums({ compute: 7 }) })],
        ]),
      ],
    ]);
    const days = sumEntities(perEntity);
    expect(days.get('2026-10-01')).toEqual(
      dayCost({
        direct: sums({ compute: 10, memory: 20 }),
        distributedIdle: 1,
        distributedShared: 2,
        billedNodes: 9,
      }),
    );
    expect(days.get('2026-10-02')!.direct.total).toBe(7);
  });
});

describe('organisationDays', () => {
  it('keeps what of the pools no entity got as idle and shared, and the whole node bill', () => {
    const attributed = new Map<string, DayCosts>([
      [
        'scope',
        new Map([
          [
            '2026-10-01',
            dayCost({
              direct: sums({ compute: 100 }),
              distributedIdle: 20,
              distributedShared: 5,
              billedNodes: 999,
            }),
          ],
        ]),
      ],
    ]);
    const { days, attributedByDay } = organisationDays({
      attributed,
      unattributed: [row(null, '2026-10-01', { storage: 50 })],
      pools: [
        pool('2026-10-01', { idle: 30, shared: 5, cloud: 8 }),
        pool('2026-10-01', { cluster: 'dev', idle: 10 }),
      ],
      nodeBills: [
        { day: '2026-10-01', cluster: 'prod', billed: 70 },
        { day: '2026-10-01', cluster: 'dev', billed: 30 },
      ],
    });
    const org = days.get('2026-10-01')!;
    // 40 idle in the pools, 20 given to entities; 5 shared, all given.
    expect(org.direct.byCategory.idle).toBe(20);
    expect(org.direct.byCategory.shared).toBe(0);
    expect(org.direct.total).toBe(100 + 50 + 20);
    expect(org.distributedIdle).toBe(20);
    expect(org.distributedShared).toBe(5);
    // The nodes' bills as billed, not as the entities' shares of them.
    expect(org.billedNodes).toBe(100);
    expect(org.direct.cloud).toBe(8);
    expect(attributedByDay.get('2026-10-01')).toBe(125);
    expect(attributedShareOf(days, attributedByDay)).toBe(0.641026);
  });

  it('counts an organisation without cost as wholly attributed', () => {
    expect(attributedShareOf(new Map(), new Map())).toBe(1);
  });
});

describe('byPeriod', () => {
  const days: DayCosts = new Map([
    [
      '2026-11-01',
      dayCost({ direct: sums({ compute: 3 }), distributedIdle: 1 }),
    ],
    ['2026-10-31', dayCost({ direct: sums({ compute: 2 }) })],
    ['2026-10-30', dayCost({ direct: sums({ memory: 1 }), billedNodes: 9 })],
  ]);

  it('adds days up per month, in order, and over the window', () => {
    const { periods, all } = byPeriod(days, 'month');
    expect([...periods.keys()]).toEqual(['2026-10', '2026-11']);
    expect(periods.get('2026-10')!.direct.total).toBe(3);
    expect(periods.get('2026-11')!.distributedIdle).toBe(1);
    expect(all.direct.total).toBe(6);
    expect(all.distributedIdle).toBe(1);
  });

  it('keeps days apart by day, sorted', () => {
    const { periods } = byPeriod(days, 'day');
    expect([...periods.keys()]).toEqual([
      '2026-10-30',
      '2026-10-31',
      '2026-11-01',
    ]);
  });
});

describe('sumByMonth', () => {
  it('sums daily values per month', () => {
    expect(
      sumByMonth([
        ['2026-10-30', 1],
        ['2026-11-01', 2],
        ['2026-10-31', 3],
      ]),
    ).toEqual(
      new Map([
        ['2026-10', 4],
        ['2026-11', 2],
      ]),
    );
  });
});

describe('costPoint', () => {
  it('adds distributed cost to the idle and shared categories, rounded, without empty ones', () => {
    expect(
      costPoint(
        dayCost({
          direct: sums({ compute: 1.0000001, idle: 2 }),
          distributedIdle: 0.5,
          distributedShared: 0.25,
        }),
      ),
    ).toEqual({
      total: 3.75,
      direct: 3,
      distributed: 0.75,
      byCategory: { compute: 1, idle: 2.5, shared: 0.25 },
    });
  });
});

describe('efficiencyOf', () => {
  it('weighs efficiency by usage, and is null where no row had any', () => {
    expect(
      efficiencyOf(
        sums(
          { compute: 10 },
          {
            cpuWeighted: 3,
            cpuHours: 4,
            totalWeighted: 2,
            totalWeight: 3,
          },
        ),
      ),
    ).toEqual({ cpu: 0.75, ram: null, total: 0.666667 });
  });
});

describe('rankMembers', () => {
  const cost = (direct: number) =>
    dayCost({ direct: sums({ compute: direct }) });

  it('ranks by cost and by the size of the change from the period before', () => {
    const perEntity = new Map<string, DayCosts>([
      [
        'component:default/a',
        new Map([
          ['2026-10-01', cost(10)],
          ['2026-10-02', cost(30)],
        ]),
      ],
      [
        'component:default/b',
        new Map([
          ['2026-10-01', cost(50)],
          ['2026-10-02', cost(20)],
        ]),
      ],
      ['component:default/c', new Map([['2026-10-02', cost(20)]])],
    ]);
    const { byCost, byChange } = rankMembers(
      [
        { entityRef: 'component:default/c' },
        { entityRef: 'component:default/b', title: 'B' },
        { entityRef: 'component:default/a' },
      ],
      perEntity,
      '2026-10-02',
    );
    expect(byCost.map(r => r.entityRef)).toEqual([
      'component:default/a',
      'component:default/b',
      'component:default/c',
    ]);
    expect(byChange.map(r => [r.entityRef, r.change])).toEqual([
      ['component:default/b', -30],
      ['component:default/a', 20],
      ['component:default/c', 20],
    ]);
    expect(byCost[1]).toEqual({
      entityRef: 'component:default/b',
      title: 'B',
      total: 20,
      previousTotal: 50,
      change: -30,
      changePercent: -0.6,
    });
    expect(byCost[2].changePercent).toBeNull();
  });
});
