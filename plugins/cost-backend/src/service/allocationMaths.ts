import {
  COST_CATEGORIES,
  type CostByCategory,
  type CostGranularity,
  type RankedComponent,
} from '@paved/plugin-cost-common';
import type {
  CostSums,
  DirectCostRow,
  DirectTotalRow,
  NodeBillRow,
  PoolRow,
  PoolRules,
} from '../database/CostStore';
import { addSums, emptySums } from '../database/costSums';

// The arithmetic of cost allocation, apart from any store: how the idle and
// shared pools of a day and cluster are distributed to entities, what part
// of the nodes' bills their cost stands for, and how days add up to periods,
// the organisation and rankings. Pure functions of what the store read.

/** How idle or shared cost reaches entities. */
export type DistributionRule = 'weighted' | 'even' | 'none';

export type AllocationRules = PoolRules & {
  idle: DistributionRule;
  shared: DistributionRule;
};

export const defaultAllocationRules: AllocationRules = {
  idle: 'weighted',
  shared: 'weighted',
  sharedNamespaces: ['kube-system'],
};

/** One entity's (or the organisation's) cost on one day. */
export type DayCost = {
  direct: CostSums;
  distributedIdle: number;
  distributedShared: number;
  /**
   * The part of the bills of Kubernetes nodes this cost stands for: in each
   * cluster with node rows, its share of what the nodes cost by OpenCost
   * times what they were billed.
   */
  billedNodes: number;
};

/** Cost per day (YYYY-MM-DD). */
export type DayCosts = Map<string, DayCost>;

export const emptyDay = (): DayCost => ({
  direct: emptySums(),
  distributedIdle: 0,
  distributedShared: 0,
  billedNodes: 0,
});

/** Direct plus distributed cost. */
export const dayTotal = (d: DayCost) =>
  d.direct.total + d.distributedIdle + d.distributedShared;

/** Drops floating-point dust from sums of many rows. */
export const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Adds `from`'s direct and distributed cost (not its node bills) into `into`. */
function addDay(into: DayCost, from: DayCost) {
  addSums(into.direct, from.direct);
  into.distributedIdle += from.distributedIdle;
  into.distributedShared += from.distributedShared;
}

/** The day of `days`, created empty when missing. */
function dayIn(days: DayCosts, day: string): DayCost {
  let cost = days.get(day);
  if (!cost) days.set(day, (cost = emptyDay()));
  return cost;
}

/**
 * The part of a pool one entity (or group of entities) gets: by its share
 * of the direct cost (weighted), or of the entities with direct cost (even).
 * Weighted falls back to even when nobody in the cluster had cost to weigh
 * by.
 */
export function distributedShare(
  rule: DistributionRule,
  pool: number,
  own: { total: number; entities: number },
  all: { total: number; entities: number },
): number {
  if (rule === 'none' || pool === 0 || all.entities === 0) return 0;
  if (rule === 'weighted' && all.total > 0) {
    return (pool * own.total) / all.total;
  }
  return (pool * own.entities) / all.entities;
}

/**
 * Per entity and day: the direct cost of the rows, and the idle and shared
 * cost of their day and cluster distributed to them by the rules. With
 * `perEntity: false` the rows are one group's (the store summed them) and
 * land under the key `scope`: distribution is linear in the entities' cost
 * and count, so the sum is the same.
 */
export function allocateDays(options: {
  direct: DirectCostRow[];
  pools: Array<PoolRow & DirectTotalRow>;
  nodeBills: NodeBillRow[];
  rules: AllocationRules;
  perEntity: boolean;
}): Map<string, DayCosts> {
  const { rules, perEntity } = options;
  const poolOf = new Map(options.pools.map(p => [`${p.day}|${p.cluster}`, p]));
  const nodeBillOf = new Map(
    options.nodeBills.map(b => [`${b.day}|${b.cluster}`, b.billed]),
  );
  const result = new Map<string, DayCosts>();
  for (const row of options.direct) {
    const ref = perEntity ? row.entityRef! : 'scope';
    let days = result.get(ref);
    if (!days) result.set(ref, (days = new Map()));
    const day = dayIn(days, row.day);
    addSums(day.direct, row);
    const pool = poolOf.get(`${row.day}|${row.cluster}`);
    if (!pool) continue;
    const idle = distributedShare(rules.idle, pool.idle, row, pool);
    const shared = distributedShare(rules.shared, pool.shared, row, pool);
    day.distributedIdle += idle;
    day.distributedShared += shared;
    const nodeBill = nodeBillOf.get(`${row.day}|${row.cluster}`);
    if (nodeBill !== undefined && pool.nodeCost > 0) {
      // What of its cost runs on the nodes: CPU, RAM, GPU, and the idle
      // and shared capacity it was given.
      const onNodes =
        row.byCategory.compute +
        row.byCategory.memory +
        row.byCategory.gpu +
        idle +
        shared;
      day.billedNodes += (onNodes * nodeBill) / pool.nodeCost;
    }
  }
  return result;
}

/** The days of several entities added up, node bills included. */
export function sumEntities(perEntity: Map<string, DayCosts>): DayCosts {
  const days: DayCosts = new Map();
  for (const entityDays of perEntity.values()) {
    for (const [d, cost] of entityDays) {
      const day = dayIn(days, d);
      addDay(day, cost);
      day.billedNodes += cost.billedNodes;
    }
  }
  return days;
}

/**
 * The organisation per day: the attributed entities' cost, the
 * unattributed direct cost, the whole bill of every cluster's nodes
 * (whether or not OpenCost allocated the cluster), and what of the pools
 * no entity was given, as idle and shared. With how much of each day is
 * attributed.
 */
export function organisationDays(options: {
  attributed: Map<string, DayCosts>;
  unattributed: DirectCostRow[];
  pools: PoolRow[];
  nodeBills: NodeBillRow[];
}): { days: DayCosts; attributedByDay: Map<string, number> } {
  const days: DayCosts = new Map();
  const attributedByDay = new Map<string, number>();
  for (const entityDays of options.attributed.values()) {
    for (const [d, cost] of entityDays) {
      addDay(dayIn(days, d), cost);
      attributedByDay.set(d, (attributedByDay.get(d) ?? 0) + dayTotal(cost));
    }
  }
  for (const row of options.unattributed) {
    addSums(dayIn(days, row.day).direct, row);
  }
  for (const bill of options.nodeBills) {
    dayIn(days, bill.day).billedNodes += bill.billed;
  }
  // Pools as their own lines; the part distributed to entities is already
  // in distributedIdle/Shared, the rest stays direct at the org level.
  const poolLeft = new Map<string, { idle: number; shared: number }>();
  for (const pool of options.pools) {
    const left = poolLeft.get(pool.day) ?? { idle: 0, shared: 0 };
    left.idle += pool.idle;
    left.shared += pool.shared;
    poolLeft.set(pool.day, left);
    dayIn(days, pool.day).direct.cloud += pool.cloud;
  }
  for (const [d, left] of poolLeft) {
    const day = dayIn(days, d);
    const idle = left.idle - day.distributedIdle;
    const shared = left.shared - day.distributedShared;
    day.direct.byCategory.idle += idle;
    day.direct.byCategory.shared += shared;
    day.direct.total += idle + shared;
  }
  return { days, attributedByDay };
}

/** The part of the organisation's cost that is attributed (1 when none). */
export function attributedShareOf(
  days: DayCosts,
  attributedByDay: Map<string, number>,
): number {
  const total = [...days.values()].reduce((s, d) => s + dayTotal(d), 0);
  const attributed = [...attributedByDay.values()].reduce((s, v) => s + v, 0);
  return total > 0 ? round(attributed / total) : 1;
}

/** The period (day, or YYYY-MM month) a day belongs to. */
export function periodOf(day: string, granularity: CostGranularity): string {
  return granularity === 'month' ? day.slice(0, 7) : day;
}

/**
 * Days added up per period, in day order, and over the whole window
 * (direct and distributed cost; node bills stay per day).
 */
export function byPeriod(
  days: DayCosts,
  granularity: CostGranularity,
): { periods: Map<string, DayCost>; all: DayCost } {
  const periods = new Map<string, DayCost>();
  const all = emptyDay();
  for (const d of [...days.keys()].sort()) {
    const cost = days.get(d)!;
    const period = periodOf(d, granularity);
    const periodCost = periods.get(period) ?? emptyDay();
    addDay(periodCost, cost);
    addDay(all, cost);
    periods.set(period, periodCost);
  }
  return { periods, all };
}

/** Values per day summed per month (YYYY-MM). */
export function sumByMonth(
  entries: Iterable<[day: string, value: number]>,
): Map<string, number> {
  const months = new Map<string, number>();
  for (const [d, v] of entries) {
    months.set(d.slice(0, 7), (months.get(d.slice(0, 7)) ?? 0) + v);
  }
  return months;
}

/** Total, direct, distributed and per-category cost, rounded. */
export function costPoint(cost: DayCost): {
  total: number;
  direct: number;
  distributed: number;
  byCategory: CostByCategory;
} {
  const byCategory: CostByCategory = {};
  for (const c of COST_CATEGORIES) {
    let value = cost.direct.byCategory[c];
    if (c === 'idle') value += cost.distributedIdle;
    if (c === 'shared') value += cost.distributedShared;
    if (value !== 0) byCategory[c] = round(value);
  }
  const distributed = cost.distributedIdle + cost.distributedShared;
  return {
    total: round(cost.direct.total + distributed),
    direct: round(cost.direct.total),
    distributed: round(distributed),
    byCategory,
  };
}

/** CPU, RAM and total efficiency of some rows; null where none had any. */
export function efficiencyOf(sums: CostSums): {
  cpu: number | null;
  ram: number | null;
  total: number | null;
} {
  return {
    cpu: sums.cpuHours > 0 ? round(sums.cpuWeighted / sums.cpuHours) : null,
    ram: sums.ramHours > 0 ? round(sums.ramWeighted / sums.ramHours) : null,
    total:
      sums.totalWeight > 0
        ? round(sums.totalWeighted / sums.totalWeight)
        : null,
  };
}

/**
 * Members ranked by their cost from `from` on, and by its change from the
 * same number of days before (ties by entity ref).
 */
export function rankMembers(
  members: Array<{ entityRef: string; title?: string }>,
  perEntity: Map<string, DayCosts>,
  from: string,
): { byCost: RankedComponent[]; byChange: RankedComponent[] } {
  const ranked: RankedComponent[] = members.map(member => {
    let total = 0;
    let previousTotal = 0;
    for (const [d, cost] of perEntity.get(member.entityRef) ?? []) {
      if (d >= from) total += dayTotal(cost);
      else previousTotal += dayTotal(cost);
    }
    const change = total - previousTotal;
    return {
      entityRef: member.entityRef,
      ...(member.title ? { title: member.title } : {}),
      total: round(total),
      previousTotal: round(previousTotal),
      change: round(change),
      changePercent: previousTotal > 0 ? round(change / previousTotal) : null,
    };
  });
  const byName = (a: RankedComponent, b: RankedComponent) =>
    a.entityRef.localeCompare(b.entityRef);
  return {
    byCost: [...ranked].sort((a, b) => b.total - a.total || byName(a, b)),
    byChange: [...ranked].sort(
      (a, b) => Math.abs(b.change) - Math.abs(a.change) || byName(a, b),
    ),
  };
}
