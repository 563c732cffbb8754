import type {
  CostPerRequestPoint,
  CostReconciliation,
} from '@paved/plugin-cost-common';

/**
 * Allocated vs billed per month (YYYY-MM), for every month either side
 * knows, oldest first. A month missing on one side counts as 0 there;
 * differencePercent is null when nothing was billed (no base to compare to).
 */
export function reconcile(
  allocatedByMonth: ReadonlyMap<string, number>,
  billedByMonth: ReadonlyMap<string, number>,
): CostReconciliation[] {
  const months = [
    ...new Set([...allocatedByMonth.keys(), ...billedByMonth.keys()]),
  ].sort();
  return months.map(month => {
    const allocated = allocatedByMonth.get(month) ?? 0;
    const billed = billedByMonth.get(month) ?? 0;
    return {
      month,
      allocated,
      billed,
      differencePercent:
        billed === 0 ? null : ((allocated - billed) / billed) * 100,
    };
  });
}

/**
 * Cost per request for each period of the cost series, oldest first.
 * costPerRequest is null — never 0 or Infinity — when the period has no
 * requests or no request data. Periods with requests but no cost are left
 * out: the cost series defines which periods exist.
 */
export function costPerRequest(
  costByPeriod: ReadonlyMap<string, number>,
  requestsByPeriod: ReadonlyMap<string, number>,
): CostPerRequestPoint[] {
  return [...costByPeriod.keys()].sort().map(period => {
    const cost = costByPeriod.get(period)!;
    const requests = requestsByPeriod.get(period) ?? 0;
    return {
      period,
      cost,
      requests,
      costPerRequest: requests > 0 ? cost / requests : null,
    };
  });
}
