import type {
  BackstageCredentials,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, isError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CatalogScopeResolver,
  type EntityScope,
  queryAllEntities,
} from '@paved/catalog-scopes';
import {
  addDays,
  COST_CATEGORIES,
  type ComponentCost,
  type ComponentCosts,
  type CostGranularity,
  type CostPoint,
  type CostRankings,
  type AllocationConflict,
  type CostWindow,
  type EntityCost,
  formatDay,
  parseCostWindow,
  type UnattributedCost,
} from '@paved/plugin-cost-common';
import { type CsvCell, toCsv } from '@paved/csv-export';
import type { CostStore } from '../database/CostStore';
import { daysBetween } from '../database/rows';
import {
  budgetFor,
  costPerRequest,
  findAnomalies,
  forecastMonthEnd,
  reconcile,
} from '../insights';
import type { RequestCountSource } from '../prometheus';
import {
  type AllocationRules,
  allocateDays,
  attributedShareOf,
  byPeriod,
  costPoint,
  dayTotal,
  type DayCosts,
  efficiencyOf,
  organisationDays,
  periodOf,
  rankMembers,
  round,
  sumByMonth,
  sumEntities,
} from './allocationMaths';
import {
  ALLOCATED_KINDS,
  type CostAllocator,
  selectorProblemOf,
} from './CostAllocator';

export {
  type AllocationRules,
  type DistributionRule,
  defaultAllocationRules,
} from './allocationMaths';
export type { CostWindow };

/**
 * A catalog entity and the entities whose cost it sums: a component or
 * resource itself (`kind: 'entity'`), a system's parts, or what a group
 * and the groups below it own. The organisation is no scope: its cost is
 * every attributed row.
 */
export type CostScope = EntityScope;

const UNATTRIBUTED_ROWS = 200;
/** What `componentCosts` reads of each component: its ref and its budget. */
const COMPONENT_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
];
/** The largest unattributed label sets checked for conflicting claims. */
const CONFLICT_LABEL_SETS = 1000;

const today = () => formatDay(Date.now());

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
/** Repeated request-count failures are logged at most this often. */
const REQUEST_FAILURE_LOG_INTERVAL_MS = 60_000;

export class CostService {
  readonly #store: CostStore;
  readonly #catalog: CatalogService;
  readonly #scopes: CatalogScopeResolver;
  readonly #config: RootConfigService;
  readonly #rules: AllocationRules;
  readonly #currency: string;
  readonly #requests?: RequestCountSource;
  readonly #logger: LoggerService;
  #requestFailures = 0;
  #requestFailureLoggedAt = -Infinity;
  readonly #allocator?: Pick<CostAllocator, 'conflicts'>;

  static create(options: {
    store: CostStore;
    /** Resolves scopes; members are the kinds cost is allocated to. */
    catalog: CatalogService;
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
    catalog: CatalogService;
    config: RootConfigService;
    rules: AllocationRules;
    currency: string;
    requests?: RequestCountSource;
    logger: LoggerService;
    allocator?: Pick<CostAllocator, 'conflicts'>;
  }) {
    this.#allocator = options.allocator;
    this.#store = options.store;
    this.#catalog = options.catalog;
    // The shared resolver, with the kinds cost is allocated to as members.
    // It reads with the caller's credentials, so the catalog's read rules
    // apply: an entity the caller cannot see is not found, and a team or
    // system sums only the members the caller can see.
    this.#scopes = CatalogScopeResolver.create({
      catalog: options.catalog,
      memberKinds: ALLOCATED_KINDS,
    });
    this.#config = options.config;
    this.#rules = options.rules;
    this.#currency = options.currency;
    this.#requests = options.requests;
    this.#logger = options.logger;
  }

  get currency() {
    return this.#currency;
  }

  /** Resolves a scope with the caller's credentials (see CostScope). */
  resolve(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<CostScope> {
    return this.#scopes.resolve(entityRef, { credentials });
  }

  /**
   * Every group of a `spec.type` the caller can see, each resolved as
   * `resolve` resolves it, from one pass over the catalog.
   */
  groupsOfType(
    type: string,
    credentials: BackstageCredentials,
  ): Promise<CostScope[]> {
    return this.#scopes.groupsOfType(type, { credentials });
  }

  /**
   * The cost of each scope over a window — `entityCost`'s total, direct,
   * distributed and categories — from one allocation of all their members.
   */
  async scopeTotals(
    scopes: CostScope[],
    window: CostWindow,
  ): Promise<Array<ReturnType<typeof costPoint>>> {
    const members = [
      ...new Set(scopes.flatMap(s => s.members.map(m => m.entityRef))),
    ];
    const perEntity =
      members.length > 0
        ? await this.#allocate(members, window, true)
        : new Map<string, DayCosts>();
    return scopes.map(scope => {
      const own = new Map<string, DayCosts>();
      for (const { entityRef } of scope.members) {
        const days = perEntity.get(entityRef);
        if (days) own.set(entityRef, days);
      }
      return costPoint(byPeriod(sumEntities(own), 'month').all);
    });
  }

  /**
   * Every component the caller can see, with `entityCost`'s total for it
   * over the window and its budget; those with neither (a total of 0 and
   * no budget) are left out. One paged read of the catalog with the
   * caller's credentials and one allocation of every attributed entity,
   * however many components there are.
   */
  async componentCosts(
    credentials: BackstageCredentials,
    window: CostWindow,
  ): Promise<ComponentCosts> {
    const [entities, perEntity] = await Promise.all([
      queryAllEntities(
        this.#catalog,
        { kind: 'component' },
        { fields: COMPONENT_FIELDS, credentials },
      ),
      this.#allocate(undefined, window, true),
    ]);
    const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
    const components: ComponentCost[] = [];
    for (const entityRef of [...byRef.keys()].sort()) {
      const days = perEntity.get(entityRef);
      const total = days ? costPoint(byPeriod(days, 'month').all).total : 0;
      // An annotation that is not an amount is no budget here; the
      // entity's own cost view names the problem.
      const { budget } = budgetFor(byRef.get(entityRef)!, this.#config);
      if (total > 0 || budget) {
        components.push({ entityRef, total, ...(budget ? { budget } : {}) });
      }
    }
    return { ...window, currency: this.#currency, components };
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
  ): Promise<Map<string, DayCosts>> {
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
    return allocateDays({ direct, pools, nodeBills, rules, perEntity });
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
    return organisationDays({
      attributed: perEntity,
      unattributed,
      pools,
      nodeBills,
    });
  }

  /** Cost of an entity (component, resource, system, group), or of the organisation. */
  async entityCost(options: {
    scope?: CostScope;
    window: CostWindow;
    granularity: CostGranularity;
  }): Promise<EntityCost> {
    const { scope, window, granularity } = options;
    let days: DayCosts;
    let attributedShare = 1;
    if (scope) {
      days = sumEntities(
        await this.#allocate(
          scope.members.map(m => m.entityRef),
          window,
          false,
        ),
      );
    } else {
      const org = await this.#organisation(window);
      days = org.days;
      attributedShare = attributedShareOf(org.days, org.attributedByDay);
    }

    const { periods, all } = byPeriod(days, granularity);
    const series: CostPoint[] = [...periods.entries()].map(
      ([period, cost]) => ({ period, ...costPoint(cost) }),
    );
    const dailySeries = [...days.entries()]
      .map(([day, cost]) => ({
        day,
        total: dayTotal(cost),
        byCategory: costPoint(cost).byCategory,
      }))
      .sort((a, b) => a.day.localeCompare(b.day));

    const reconciliation = reconcile(
      sumByMonth(dailySeries.map(s => [s.day, s.total])),
      sumByMonth(
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
      const period = periodOf(d, granularity);
      requestsByPeriod.set(period, (requestsByPeriod.get(period) ?? 0) + n);
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

    return {
      entityRef: scope?.entityRef ?? 'organisation',
      from: window.from,
      to: window.to,
      currency: this.#currency,
      granularity,
      ...costPoint(all),
      series,
      costPerRequest: perRequest,
      averageCostPerRequest,
      efficiency: efficiencyOf(all.direct),
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
      this.#warnRequestsFailed(scope.entityRef, e);
      return {
        problem:
          'Prometheus did not answer the request counts; cost per request is missing for now.',
      };
    }
  }

  /**
   * Logs that Prometheus did not answer: the first time at once, then at
   * most once a minute with how many reads it failed since (every read of
   * a cost page asks it), so an unreachable Prometheus adds a line a
   * minute, not one per read.
   */
  #warnRequestsFailed(entityRef: string, error: unknown) {
    const now = Date.now();
    this.#requestFailures += 1;
    if (now - this.#requestFailureLoggedAt < REQUEST_FAILURE_LOG_INTERVAL_MS) {
      return;
    }
    const since =
      this.#requestFailures > 1
        ? ` (${
            this.#requestFailures
          } reads without request counts since the last warning)`
        : '';
    this.#logger.warn(
      `Could not read request counts of ${entityRef}: ${error}${since}`,
    );
    this.#requestFailureLoggedAt = now;
    this.#requestFailures = 0;
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
    const { byCost, byChange } = rankMembers(
      scope.members,
      perEntity,
      window.from,
    );
    return {
      entityRef: scope.entityRef,
      ...window,
      currency: this.#currency,
      byCost,
      byChange,
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
