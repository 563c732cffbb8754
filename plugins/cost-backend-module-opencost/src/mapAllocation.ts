import type { CostCategory, CostRecord } from '@paved/plugin-cost-common';
import type { OpenCostAllocation } from './OpenCostClient';

const IDLE = '__idle__';
const UNALLOCATED = '__unallocated__';

/** OpenCost cost fields (with their adjustment) per Paved category. */
const CATEGORY_FIELDS: Array<
  [CostCategory, keyof OpenCostAllocation, keyof OpenCostAllocation | undefined]
> = [
  ['compute', 'cpuCost', 'cpuCostAdjustment'],
  ['memory', 'ramCost', 'ramCostAdjustment'],
  ['gpu', 'gpuCost', 'gpuCostAdjustment'],
  ['storage', 'pvCost', 'pvCostAdjustment'],
  ['network', 'networkCost', 'networkCostAdjustment'],
  ['loadBalancer', 'loadBalancerCost', 'loadBalancerCostAdjustment'],
  ['shared', 'sharedCost', undefined],
  ['cloudServices', 'externalCost', undefined],
];

/** The allocation is bad; nothing of its day may be stored. */
export class AllocationShapeError extends Error {
  name = 'AllocationShapeError';
}

function amount(
  a: OpenCostAllocation,
  field: keyof OpenCostAllocation,
): number {
  const value = a[field];
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AllocationShapeError(
      `allocation ${a.name}: ${String(field)} is not a number`,
    );
  }
  return value;
}

function optionalNumber(value: unknown) {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

export function allocationKind(name: string): CostRecord['kind'] {
  if (name === IDLE || name.endsWith(`/${IDLE}`)) return 'idle';
  if (name.split('/').includes(UNALLOCATED)) return 'unallocated';
  return 'workload';
}

/**
 * One OpenCost allocation of one day as a cost record. Idle capacity is
 * all `idle` cost, whatever resource sat idle; adjustments (OpenCost's
 * reconciliation with the bill) are part of their category.
 */
export function allocationToRecord(
  a: OpenCostAllocation,
  day: string,
  clusterName: string,
): CostRecord {
  if (typeof a?.name !== 'string' || !a.name) {
    throw new AllocationShapeError('an allocation has no name');
  }
  const kind = allocationKind(a.name);
  const costs: Partial<Record<CostCategory, number>> = {};
  let effectiveCost = 0;
  for (const [category, field, adjustment] of CATEGORY_FIELDS) {
    const value = amount(a, field) + (adjustment ? amount(a, adjustment) : 0);
    if (value === 0) continue;
    const target: CostCategory = kind === 'idle' ? 'idle' : category;
    costs[target] = (costs[target] ?? 0) + value;
    effectiveCost += value;
  }
  const p = a.properties ?? {};
  const labels =
    p.labels && typeof p.labels === 'object' ? { ...p.labels } : {};
  const record: CostRecord = {
    day,
    kind,
    labels,
    cluster: p.cluster || clusterName,
    costs,
    effectiveCost,
  };
  if (p.namespace) record.namespace = p.namespace;
  if (p.controller) record.controller = p.controller;
  if (p.controllerKind) record.controllerKind = p.controllerKind;
  if (kind !== 'idle') {
    record.cpuEfficiency = optionalNumber(a.cpuEfficiency);
    record.ramEfficiency = optionalNumber(a.ramEfficiency);
    record.totalEfficiency = optionalNumber(a.totalEfficiency);
  }
  record.cpuCoreHours = optionalNumber(a.cpuCoreHours);
  record.ramByteHours = optionalNumber(a.ramByteHours);
  for (const key of Object.keys(record) as Array<keyof CostRecord>) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}
