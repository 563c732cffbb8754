import recorded from './__fixtures__/allocation-two-days.json';
import { AllocationShapeError, allocationToRecord } from './mapAllocation';
import type { OpenCostAllocation } from './OpenCostClient';

const [firstDay] = recorded.data as unknown as Array<
  Record<string, OpenCostAllocation>
>;
const CHECKOUT =
  'eu-west-nonprod/checkout-staging/deployment/deployment:checkout-service';
const FORECASTING =
  'eu-west-nonprod/data-platform-staging/deployment/deployment:demand-forecasting';
const UNALLOCATED = 'eu-west-nonprod/default/__unallocated__/__unallocated__';

const map = (key: string) =>
  allocationToRecord(firstDay[key], '2026-11-24', 'eu-west-nonprod');

describe('allocationToRecord', () => {
  it('maps a workload allocation to categories, labels and efficiency', () => {
    const a = firstDay[CHECKOUT];
    const record = map(CHECKOUT);
    expect(record).toMatchObject({
      day: '2026-11-24',
      kind: 'workload',
      cluster: 'eu-west-nonprod',
      namespace: 'checkout-staging',
      controller: 'checkout-service',
      controllerKind: 'deployment',
      labels: {
        app: 'checkout-service',
        app_kubernetes_io_part_of: 'checkout',
        paved_dev_environment: 'staging',
      },
      cpuEfficiency: a.cpuEfficiency,
      ramEfficiency: a.ramEfficiency,
      totalEfficiency: a.totalEfficiency,
      cpuCoreHours: a.cpuCoreHours,
      ramByteHours: a.ramByteHours,
    });
    // The recorded response carries a negative CPU adjustment (a discount).
    expect(record.costs.compute).toBeCloseTo(a.cpuCost! - 0.12, 6);
    expect(record.costs.memory).toBe(a.ramCost);
    expect(record.costs.network).toBe(a.networkCost);
    expect(record.costs.gpu).toBeUndefined();
    expect(record.effectiveCost).toBeCloseTo(a.totalCost! - 0.12, 4);
  });

  it('puts GPU cost in its own category', () => {
    const record = map(FORECASTING);
    expect(record.costs.gpu).toBe(firstDay[FORECASTING].gpuCost);
    expect(record.costs.gpu).toBeGreaterThan(0);
  });

  it('keeps __unallocated__ rows, with no labels and no made-up efficiency', () => {
    const record = map(UNALLOCATED);
    expect(record.kind).toBe('unallocated');
    expect(record.labels).toEqual({});
    expect(record.namespace).toBe('default');
    expect(record.controller).toBeUndefined();
    expect(record.ramEfficiency).toBeUndefined();
    expect(record.effectiveCost).toBeCloseTo(
      firstDay[UNALLOCATED].totalCost!,
      4,
    );
  });

  it('maps __idle__ (combined or per cluster) to idle cost of its cluster', () => {
    const idle = firstDay.__idle__;
    const record = map('__idle__');
    expect(record.kind).toBe('idle');
    expect(record.cluster).toBe('eu-west-nonprod');
    expect(record.costs).toEqual({ idle: expect.any(Number) });
    expect(record.costs.idle).toBeCloseTo(idle.cpuCost! + idle.ramCost!, 6);
    expect(record.cpuEfficiency).toBeUndefined();

    const split = allocationToRecord(
      { ...idle, name: 'eu-west-prod/__idle__', properties: {} },
      '2026-11-24',
      'eu-west-prod',
    );
    expect(split).toMatchObject({ kind: 'idle', cluster: 'eu-west-prod' });
  });

  it('treats OpenCost nulls (NaN) as absent and refuses non-numbers', () => {
    expect(
      allocationToRecord(
        { ...firstDay[CHECKOUT], networkCost: null },
        '2026-11-24',
        'eu-west-nonprod',
      ).costs.network,
    ).toBeUndefined();
    expect(() =>
      allocationToRecord(
        { ...firstDay[CHECKOUT], cpuCost: '2.5' as unknown as number },
        '2026-11-24',
        'eu-west-nonprod',
      ),
    ).toThrow(AllocationShapeError);
  });
});
