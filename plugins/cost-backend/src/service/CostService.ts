import type {
  BackstageCredentials,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import {
  COST_CATEGORIES,
  type CostByCategory,
  type CostGranularity,
  type CostPoint,
  type CostRankings,
  type AllocationConflict,
  type CostWindow,
  type EntityCost,
  parseCostWindow,
  type RankedComponent,
  type UnattributedCost,
} from '@paved/plugin-cost-common';
import { type CsvCell, toCsv } from '@paved/csv-export';
import type { CostStore, CostSums, PoolRules } from '../database/CostStore';
import { addSums, emptySums } from '../database/costSums';
import { daysBetween } from '../database/rows';
import {
  budgetFor,
  costPerRequest,
  findAnomalies,
  forecastMonthEnd,
  reconcile,
} from '../insights';
import type { RequestCountSource } from '../prometheus';
import { type CostAllocator, selectorProblemOf } from './CostAllocator';
import type { CostScope, CostScopes } from './CostScopes';

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

export type { CostWindow };

/** One entity's (or the organisation's) cost on one day. */
type DayCost = {
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

const DAY_MS = 86_400_000;
const UNATTRIBUTED_ROWS = 200;
/** The largest unattributed label sets checked for conflicting claims. */
const CONFLICT_LABEL_SETS = 1000;

const today = () => new Date().toISOString().slice(0, 10);
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS)
    .toISOString()
    .slice(0, 10);

const emptyDay = (): DayCost => ({
  direct: emptySums(),
  distributedIdle: 0,
  distributedShared: 0,
  billedNodes: 0,
});

const dayTotal = (d: DayCost) =>
  d.direct.total + d.distributedIdle + d.distributedShared;

/** Drops floating-point dust from sums of many rows. */
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * Parses and checks a window (`parseCostWindow` of the common package, the
 * one definition for routes and actions); defaults to the last 30 full
 * days. Throws an InputError naming the parameter, before anything is read.
 */
export function parseWindow(input: {
  from?: string;
  to?: string;
  granularity?: CostGranularity;
}): CostWindow {
  const parsed = parseCostWindow(input);
  if ('error' in parsed) throw new InputError(parsed.error);
  return parsed.window;
}

/**
 * Cost per entity, team, system and organisation: direct cost from the
 * allocation mapping plus idle and shared cost distributed by the
 * configured rules, computed from SQL aggregates over the window.
 */
export class CostService {
  readonly #store: CostStore;
  readonly #scopes: CostScopes;
  readonly #config: RootConfigService;
  readonly #rules: AllocationRules;
  readonly #currency: string;
  readonly #requests?: RequestCountSource;
  readonly #logger: LoggerService;
  readonly #allocator?: Pick<CostAllocator, 'conflicts'>;

  static create(options: {
    store: CostStore;
    scopes: CostScopes;
    config: RootConfigService;
    rules: AllocationRules;
    currency: string;
    requests?: RequestCountSource;
    logger: LoggerService;
    /** Lists the allocation conflicts on the unattributed view. */
    allocator?: Pick<CostAllocator, 'conflicts'>;
  }) {
    return new CostService(options);
  }

  private constructor(options: {
    store: CostStore;
    scopes: CostScopes;
    config: RootConfigService;
    rules: AllocationRules;
    currency: string;
    requests?: RequestCountSource;
    logger: LoggerService;
    allocator?: Pick<CostAllocator, 'conflicts'>;
  }) {
    this.#allocator = options.allocator;
    this.#store = options.store;
    this.#scopes = options.scopes;
    this.#config = options.config;
    this.#rules = options.rules;
    this.#currency = options.currency;
    this.#requests = options.requests;
    this.#logger = options.logger;
  }

  get currency() {
    return this.#currency;
  }

  /** Resolves a scope with the caller's credentials (see CostScopes). */
  resolve(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<CostScope> {
    return this.#scopes.resolve(entityRef, { credentials });
  }

  /**
   * Per entity and day: direct cost and the idle/shared cost distributed
   * to it. `entityRefs` undefined means every attributed entity. With
   * `perEntity: false` the entities are summed under the key `scope`
   * (distribution is linear in the entities' cost and count, so the sum is
   * the same).
   */
  async #allocate(
    entityRefs: string[] | undefined,
    window: CostWindow,
    perEntity = true,
    clusterDays = this.#clusterDays(window),
  ): Promise<Map<string, Map<string, DayCost>>> {
    const rules = this.#rules;
    const [direct, { pools, nodeBills }] = await Promise.all([
      this.#store.directCost({
        scope: entityRefs ? { entityRefs } : { attributed: true },
        ...window,
        rules,
        perEntity,
      }),
      clusterDays,
    ]);
    const poolOf = new Map(pools.map(p => [`${p.day}|${p.cluster}`, p]));
    const nodeBillOf = new Map(
      nodeBills.map(b => [`${b.day}|${b.cluster}`, b.billed]),
    );

    const share = (
      rule: DistributionRule,
      pool: number,
      own: { total: number; entities: number },
      all: { total: number; entities: number },
    ) => {
      if (rule === 'none' || pool === 0 || all.entities === 0) return 0;
      if (rule === 'weighted' && all.total > 0) {
        return (pool * own.total) / all.total;
      }
      // Even, or weighted when nobody in the cluster had cost to weigh by.
      return (pool * own.entities) / all.entities;
    };

    const result = new Map<string, Map<string, DayCost>>();
    for (const row of direct) {
      const ref = perEntity ? row.entityRef! : 'scope';
      let days = result.get(ref);
      if (!days) result.set(ref, (days = new Map()));
      let day = days.get(row.day);
      if (!day) days.set(row.day, (day = emptyDay()));
      addSums(day.direct, row);
      const pool = poolOf.get(`${row.day}|${row.cluster}`);
      if (pool) {
        const idle = share(rules.idle, pool.idle, row, pool);
        const shared = share(rules.shared, pool.shared, row, pool);
        day.distributedIdle += idle;
        day.distributedShared += shared;
        const nodeBill = nodeBillOf.get(`${row.day}|${row.cluster}`);
        if (nodeBill !== undefined && pool.nodeCost > 0) {
          // What of its cost runs on the nodes: CPU, RAM, GPU, and the
          // idle and shared capacity it was given.
          const onNodes =
            row.byCategory.compute +
            row.byCategory.memory +
            row.byCategory.gpu +
            idle +
            shared;
          day.billedNodes += (onNodes * nodeBill) / pool.nodeCost;
        }
      }
    }
    return result;
  }

  /** Per day and cluster of a window: the pools and the nodes' bills. */
  async #clusterDays(window: CostWindow) {
    const [pools, nodeBills] = await Promise.all([
      this.#store.dayPools(window),
      this.#store.nodeBills(window),
    ]);
    return { pools, nodeBills };
  }

  /** Organisation per day: everything, and how much of it is attributed. */
  async #organisation(window: CostWindow) {
    const rules = this.#rules;
    // Read once for both the attributed entities and the organisation.
    const clusterDays = this.#clusterDays(window);
    const [perEntity, unattributed, { pools, nodeBills }] = await Promise.all([
      this.#allocate(undefined, window, false, clusterDays),
      this.#store.directCost({
        scope: { unattributed: true },
        ...window,
        rules,
        perEntity: false,
      }),
      clusterDays,
    ]);
    const days = new Map<string, DayCost>();
    const attributedByDay = new Map<string, number>();
    const dayOf = (d: string) => {
      let day = days.get(d);
      if (!day) days.set(d, (day = emptyDay()));
      return day;
    };
    for (const entityDays of perEntity.values()) {
      for (const [d, cost] of entityDays) {
        const day = dayOf(d);
        addSums(day.direct, cost.direct);
        day.distributedIdle += cost.distributedIdle;
        day.distributedShared += cost.distributedShared;
        attributedByDay.set(d, (attributedByDay.get(d) ?? 0) + dayTotal(cost));
      }
    }
    for (const row of unattributed) addSums(dayOf(row.day).direct, row);
    // The whole bill of every cluster's nodes, whether or not OpenCost
    // allocated the cluster.
    for (const bill of nodeBills) dayOf(bill.day).billedNodes += bill.billed;
    // Pools as their own lines; the part distributed to entities is already
    // in distributedIdle/Shared, the rest stays direct at the org level.
    const poolLeft = new Map<string, { idle: number; shared: number }>();
    for (const pool of pools) {
      const left = poolLeft.get(pool.day) ?? { idle: 0, shared: 0 };
      left.idle += pool.idle;
      left.shared += pool.shared;
      poolLeft.set(pool.day, left);
      dayOf(pool.day).direct.cloud += pool.cloud;
    }
    for (const [d, left] of poolLeft) {
      const day = dayOf(d);
      const idle = left.idle - day.distributedIdle;
      const shared = left.shared - day.distributedShared;
      day.direct.byCategory.idle += idle;
      day.direct.byCategory.shared += shared;
      day.direct.total += idle + shared;
    }
    return { days, attributedByDay };
  }

  /** Cost of an entity (component, resource, system, group), or of the organisation. */
  async entityCost(options: {
    scope?: CostScope;
    window: CostWindow;
    granularity: CostGranularity;
  }): Promise<EntityCost> {
    const { scope, window, granularity } = options;
    let days: Map<string, DayCost>;
    let attributedShare = 1;
    if (scope) {
      const perEntity = await this.#allocate(
        scope.members.map(m => m.entityRef),
        window,
        false,
      );
      days = new Map();
      for (const entityDays of perEntity.values()) {
        for (const [d, cost] of entityDays) {
          const day = days.get(d) ?? emptyDay();
          addSums(day.direct, cost.direct);
          day.distributedIdle += cost.distributedIdle;
          day.distributedShared += cost.distributedShared;
          day.billedNodes += cost.billedNodes;
          days.set(d, day);
        }
      }
    } else {
      const org = await this.#organisation(window);
      days = org.days;
      const total = [...days.values()].reduce((s, d) => s + dayTotal(d), 0);
      const attributed = [...org.attributedByDay.values()].reduce(
        (s, v) => s + v,
        0,
      );
      attributedShare = total > 0 ? round(attributed / total) : 1;
    }

    const periodOf = (day: string) =>
      granularity === 'month' ? day.slice(0, 7) : day;
    const periods = new Map<string, DayCost>();
    const all = emptyDay();
    for (const d of [...days.keys()].sort()) {
      const cost = days.get(d)!;
      const period = periods.get(periodOf(d)) ?? emptyDay();
      for (const target of [period, all]) {
        addSums(target.direct, cost.direct);
        target.distributedIdle += cost.distributedIdle;
        target.distributedShared += cost.distributedShared;
      }
      periods.set(periodOf(d), period);
    }
    const series: CostPoint[] = [...periods.entries()].map(
      ([period, cost]) => ({
        period,
        ...this.#point(cost),
      }),
    );
    const dailySeries = [...days.entries()]
      .map(([day, cost]) => ({ day, total: dayTotal(cost) }))
      .sort((a, b) => a.day.localeCompare(b.day));

    const monthOf = (entries: Array<[string, number]>) => {
      const months = new Map<string, number>();
      for (const [d, v] of entries) {
        months.set(d.slice(0, 7), (months.get(d.slice(0, 7)) ?? 0) + v);
      }
      return months;
    };
    const reconciliation = reconcile(
      monthOf(dailySeries.map(s => [s.day, s.total])),
      monthOf(
        [...days.entries()].map(([d, c]) => [
          d,
          c.direct.cloud + c.billedNodes,
        ]),
      ),
    );

    const { budget, problem: budgetProblem } = scope
      ? budgetFor(scope.entity, this.#config)
      : { budget: undefined, problem: undefined };
    const allocationProblem =
      scope?.kind === 'entity' ? selectorProblemOf(scope.entity) : undefined;
    const now = today();
    const forecast =
      window.to >= now
        ? forecastMonthEnd(dailySeries, now, budget?.monthly)
        : undefined;

    const { requests, problem: costPerRequestProblem } =
      await this.#requestsFor(scope, window);
    const costByPeriod = new Map(series.map(p => [p.period, p.total]));
    const requestsByPeriod = new Map<string, number>();
    for (const [d, n] of requests ?? []) {
      if (d < window.from || d >= window.to) continue;
      requestsByPeriod.set(
        periodOf(d),
        (requestsByPeriod.get(periodOf(d)) ?? 0) + n,
      );
    }
    const perRequest = requests
      ? costPerRequest(costByPeriod, requestsByPeriod)
      : [];
    const served = perRequest.filter(p => p.requests > 0);
    const requestTotal = served.reduce((s, p) => s + p.requests, 0);
    const averageCostPerRequest =
      requestTotal > 0
        ? served.reduce((s, p) => s + p.cost, 0) / requestTotal
        : null;

    const d = all.direct;
    return {
      entityRef: scope?.entityRef ?? 'organisation',
      from: window.from,
      to: window.to,
      currency: this.#currency,
      granularity,
      ...this.#point(all),
      series,
      costPerRequest: perRequest,
      averageCostPerRequest,
      efficiency: {
        cpu: d.cpuHours > 0 ? round(d.cpuWeighted / d.cpuHours) : null,
        ram: d.ramHours > 0 ? round(d.ramWeighted / d.ramHours) : null,
        total:
          d.totalWeight > 0 ? round(d.totalWeighted / d.totalWeight) : null,
      },
      attributedShare,
      ...(budget ? { budget } : {}),
      ...(budgetProblem ? { budgetProblem } : {}),
      ...(forecast ? { forecast } : {}),
      ...(allocationProblem ? { allocationProblem } : {}),
      ...(costPerRequestProblem ? { costPerRequestProblem } : {}),
      anomalies: findAnomalies(dailySeries, { notOverFrom: now }),
      reconciliation,
    };
  }

  #point(cost: DayCost) {
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

  async #requestsFor(
    scope: CostScope | undefined,
    window: CostWindow,
  ): Promise<{ requests?: Map<string, number>; problem?: string }> {
    if (!this.#requests || !scope || scope.kind !== 'entity') {
      return {};
    }
    try {
      return {
        requests: await this.#requests.dailyRequests(
          scope.entity,
          window.from,
          window.to,
        ),
      };
    } catch (e) {
      if (isError(e) && e.name === 'RequestRateQueryRefusedError') {
        // The entity's annotation asks for a query Paved does not run.
        return { problem: e.message };
      }
      // Cost is still worth showing when Prometheus is down.
      this.#logger.warn(
        `Could not read request counts of ${scope.entityRef}: ${e}`,
      );
      return {
        problem:
          'Prometheus did not answer the request counts; cost per request is missing for now.',
      };
    }
  }

  /** A group's or system's components ranked by cost and by change. */
  async rankings(scope: CostScope, window: CostWindow): Promise<CostRankings> {
    if (scope.kind === 'entity') {
      throw new InputError(
        'entityRef must be a group or a system to rank its components',
      );
    }
    const length = daysBetween(window.from, window.to).length;
    const previousFrom = addDays(window.from, -length);
    const perEntity = await this.#allocate(
      scope.members.map(m => m.entityRef),
      { from: previousFrom, to: window.to },
    );
    const ranked: RankedComponent[] = scope.members.map(member => {
      let total = 0;
      let previousTotal = 0;
      for (const [d, cost] of perEntity.get(member.entityRef) ?? []) {
        if (d >= window.from) total += dayTotal(cost);
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
      entityRef: scope.entityRef,
      ...window,
      currency: this.#currency,
      byCost: [...ranked].sort((a, b) => b.total - a.total || byName(a, b)),
      byChange: [...ranked].sort(
        (a, b) => Math.abs(b.change) - Math.abs(a.change) || byName(a, b),
      ),
    };
  }

  /** Cost that matched no entity's selector, with the labels that failed. */
  async unattributed(window: CostWindow): Promise<UnattributedCost> {
    const [org, rows, unattributedDays, conflicts] = await Promise.all([
      this.entityCost({ window, granularity: 'day' }),
      this.#store.unattributed({
        ...window,
        rules: this.#rules,
        limit: UNATTRIBUTED_ROWS,
      }),
      this.#store.directCost({
        scope: { unattributed: true },
        ...window,
        rules: this.#rules,
      }),
      this.#conflicts(window),
    ]);
    const unattributed = unattributedDays.reduce((s, r) => s + r.total, 0);
    return {
      ...window,
      currency: this.#currency,
      organisationTotal: org.total,
      unattributed: round(unattributed),
      attributedShare: org.attributedShare,
      rows: rows.map(r => ({
        labels: r.labels,
        ...(r.cluster ? { cluster: r.cluster } : {}),
        ...(r.namespace ? { namespace: r.namespace } : {}),
        ...(r.resourceName ? { resourceName: r.resourceName } : {}),
        ...(r.serviceName ? { serviceName: r.serviceName } : {}),
        cost: round(r.cost),
      })),
      conflicts,
    };
  }

  /** Unattributed label sets that entities of different owners claim. */
  async #conflicts(window: CostWindow): Promise<AllocationConflict[]> {
    if (!this.#allocator) return [];
    const labelSets = await this.#store.unattributedLabelSets({
      ...window,
      rules: this.#rules,
      limit: CONFLICT_LABEL_SETS,
    });
    const conflicts = await this.#allocator.conflicts(labelSets);
    return conflicts.map(c => ({
      labels: c.labels,
      cost: round(c.cost),
      claims: c.claims,
    }));
  }

  /**
   * One CSV line per day and category of a scope's cost. Every cell goes
   * through the shared spreadsheet-safe writer: titles come from the
   * catalog, which other teams write.
   */
  async exportCsv(scope: CostScope | undefined, window: CostWindow) {
    const cost = await this.entityCost({ scope, window, granularity: 'day' });
    const title = scope?.entity.metadata.title ?? '';
    const lines: CsvCell[][] = [];
    for (const point of cost.series) {
      for (const category of COST_CATEGORIES) {
        const amount = point.byCategory[category];
        if (amount === undefined) continue;
        lines.push([
          point.period,
          cost.entityRef,
          title,
          category,
          amount,
          cost.currency,
        ]);
      }
    }
    return toCsv(
      ['day', 'entityRef', 'title', 'category', 'cost', 'currency'],
      lines,
    );
  }
}
