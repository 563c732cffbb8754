import type { CostRecord } from '@paved/plugin-cost-common';

/** A workload row (OpenCost allocation) costing `cost`, split compute/memory. */
export function workload(
  day: string,
  labels: Record<string, string>,
  cost: number,
  extra: Partial<CostRecord> = {},
): CostRecord {
  return {
    day,
    kind: 'workload',
    labels,
    cluster: 'prod',
    namespace: 'apps',
    controller: labels.app ?? 'unknown',
    costs: { compute: cost / 2, memory: cost / 2 },
    effectiveCost: cost,
    ...extra,
  };
}

/** OpenCost's `__idle__` row of a cluster. */
export function idle(day: string, cost: number, cluster = 'prod'): CostRecord {
  return {
    day,
    kind: 'idle',
    labels: {},
    cluster,
    costs: { idle: cost },
    effectiveCost: cost,
  };
}

/** A FOCUS billing row. */
export function cloud(
  day: string,
  tags: Record<string, string>,
  cost: number,
  extra: Partial<CostRecord> = {},
): CostRecord {
  return {
    day,
    kind: 'cloud',
    labels: tags,
    resourceId: `arn:aws:rds:eu-west-1:1:db/${tags.app ?? 'x'}`,
    serviceName: 'Amazon RDS',
    costs: { cloudServices: cost },
    effectiveCost: cost,
    billedCost: cost * 1.1,
    ...extra,
  };
}

/** An async iterable that yields `records`, then throws `error`. */
export async function* failingAfter(records: CostRecord[], error: Error) {
  for (const record of records) yield record;
  throw error;
}
