import { COST_CATEGORIES, type CostCategory } from '@paved/plugin-cost-common';
import type { CostSums } from './CostStore';

/** Sums of no rows. */
export function emptySums(): CostSums {
  return {
    byCategory: Object.fromEntries(COST_CATEGORIES.map(c => [c, 0])) as Record<
      CostCategory,
      number
    >,
    total: 0,
    cloud: 0,
    cpuWeighted: 0,
    cpuHours: 0,
    ramWeighted: 0,
    ramHours: 0,
    totalWeighted: 0,
    totalWeight: 0,
  };
}

/** Adds `from`'s sums into `into`, category by category. */
export function addSums(into: CostSums, from: CostSums) {
  for (const c of COST_CATEGORIES) into.byCategory[c] += from.byCategory[c];
  into.total += from.total;
  into.cloud += from.cloud;
  into.cpuWeighted += from.cpuWeighted;
  into.cpuHours += from.cpuHours;
  into.ramWeighted += from.ramWeighted;
  into.ramHours += from.ramHours;
  into.totalWeighted += from.totalWeighted;
  into.totalWeight += from.totalWeight;
}
