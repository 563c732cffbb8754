import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { type Entity, parseEntityRef } from '@backstage/catalog-model';
import {
  addDays,
  dayStart,
  type CostWindow,
  type EntityCost,
} from '@paved/plugin-cost-common';
import type { DoraMetrics, DoraTrends } from '@paved/plugin-dora-common';
import type {
  Outcomes,
  TeamOutcomes,
  Unavailable,
  Week,
} from '@paved/plugin-outcomes-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { CatalogScopeResolver } from '@paved/catalog-scopes';
import {
  defaultSignalThresholds,
  type ComponentFacts,
  type CostFacts,
  type DeliveryFacts,
  type SignalThresholds,
  type WindowFacts,
} from './facts';
import { measuresOf } from './measures';
import type { Answer, PlatformReads } from './PlatformReads';
import { evaluateSignals } from './signals';
import type { OutcomesQuery } from './window';

const instant = (day: string) => `${day}T00:00:00Z`;

/** The most teams the organisation table lists. */
export const MAX_TEAMS = 500;

function deliveryFacts(metrics: DoraMetrics): DeliveryFacts {
  return {
    deployments: metrics.deploymentFrequency.deployments,
    perDay: metrics.deploymentFrequency.perDay,
    leadTime: metrics.changeLeadTime.p50,
    changes: metrics.changeLeadTime.n,
    changeFailRate: metrics.changeFailRate.rate,
    deploymentReworkRate: metrics.deploymentReworkRate.rate,
    recoveryTime: metrics.failedDeploymentRecoveryTime.p50,
    recoveries: metrics.failedDeploymentRecoveryTime.n,
  };
}

function costFacts(cost: EntityCost): CostFacts {
  return {
    total: cost.total,
    requests:
      cost.costPerRequest.length > 0
        ? cost.costPerRequest.reduce((sum, p) => sum + p.requests, 0)
        : null,
    perRequest: cost.averageCostPerRequest,
  };
}

const valueOf = <T>(answer: Answer<T> | undefined): T | null =>
  answer?.allowed ? answer.value : null;

/**
 * An every-group answer by group ref (each group as `pick` takes it, e.g.
 * its previous window); undefined when it was refused.
 */
function byGroup<G extends { entityRef: string; title?: string }, P = G>(
  answer: Answer<{ groups: G[] }>,
  pick: (group: G) => P = group => group as unknown as P,
): Map<string, P> | undefined {
  if (!answer.allowed) return undefined;
  return new Map(answer.value.groups.map(g => [g.entityRef, pick(g)]));
}

/** One team's facts of a window, from the every-team answers. */
function teamWindow(
  delivery: Map<string, { metrics?: DoraMetrics }> | undefined,
  spend: Map<string, { total?: number; refused?: string }> | undefined,
  entityRef: string,
): WindowFacts {
  const metrics = delivery?.get(entityRef)?.metrics;
  const cost = spend?.get(entityRef);
  return {
    delivery: metrics ? deliveryFacts(metrics) : null,
    // A team whose cost the caller may not read has none here.
    cost:
      cost && cost.total !== undefined && cost.refused === undefined
        ? { total: cost.total, requests: null, perRequest: null }
        : null,
  };
}

/** The weeks of a window, starting on its first day (as DORA's weekly series). */
export function weeksOf(
  window: CostWindow,
): Array<{ from: string; to: string }> {
  const weeks: Array<{ from: string; to: string }> = [];
  const end = dayStart(window.to)!;
  for (let from = window.from; dayStart(from)! < end; from = addDays(from, 7)) {
    const to = addDays(from, 7);
    weeks.push({ from, to: dayStart(to)! > end ? window.to : to });
  }
  return weeks;
}

/**
 * Speed, stability and cost of one scope, from the DORA and cost APIs
 * asked on the caller's behalf: the numbers they answer (never computed
 * again), their changes since the previous window, one weekly time axis
 * and the signals.
 */
export class OutcomesService {
  readonly #reads: PlatformReads;
  readonly #catalog: CatalogService;
  readonly #scopes: CatalogScopeResolver;
  readonly #thresholds: SignalThresholds;

  static create(options: {
    reads: PlatformReads;
    catalog: CatalogService;
    thresholds?: Partial<SignalThresholds>;
  }) {
    return new OutcomesService(options.reads, options.catalog, {
      ...defaultSignalThresholds,
      ...options.thresholds,
    });
  }

  private constructor(
    reads: PlatformReads,
    catalog: CatalogService,
    thresholds: SignalThresholds,
  ) {
    this.#reads = reads;
    this.#catalog = catalog;
    this.#scopes = CatalogScopeResolver.create({ catalog });
    this.#thresholds = thresholds;
  }

  /**
   * Every team the caller can see (groups of type `team`), each with its
   * six numbers and unit cost against the previous window and the signals
   * two windows can raise: the organisation's table. Four reads in all —
   * DORA's and cost's every-team reads for the window and the one before —
   * so the table costs about what one organisation read costs, however
   * many teams there are; each team's numbers are what the DORA and cost
   * APIs answer for that team.
   */
  async teams(
    query: Pick<OutcomesQuery, 'environment' | 'windows'>,
    credentials: BackstageCredentials,
  ): Promise<TeamOutcomes> {
    const reads = this.#reads;
    const [doraToken, costToken] = await Promise.all([
      reads.tokenFor(credentials, 'dora'),
      reads.tokenFor(credentials, 'cost'),
    ]);
    const [now, before] = query.windows;
    // The window and the one before it in one read of each plugin.
    const [metrics, cost] = await Promise.all([
      reads.ask('dora', () =>
        reads.dora.getGroupMetrics(
          {
            query: {
              type: 'team',
              from: instant(now.from),
              to: instant(now.to),
              environment: query.environment,
              previousWindows: 1,
            },
          },
          { token: doraToken },
        ),
      ),
      reads.ask('cost', () =>
        reads.cost.getGroupCosts(
          {
            query: {
              type: 'team',
              from: now.from,
              to: now.to,
              previousWindows: 1,
            },
          },
          { token: costToken },
        ),
      ),
    ]);
    const delivery = byGroup(metrics);
    const previousDelivery = byGroup(metrics, group => ({
      metrics: group.metrics.previous?.[0],
    }));
    const spend = byGroup(cost);
    const previousSpend = byGroup(cost, group => ({
      total: group.previous?.[0]?.total,
      refused: group.refused,
    }));
    const currency = valueOf(cost)?.currency ?? null;

    // The teams DORA or cost listed; a caller who may read neither still
    // sees which teams there are.
    const listed = delivery ?? spend ?? (await this.#listTeams(credentials));
    const teams = [...listed.values()].slice(0, MAX_TEAMS);
    return {
      environment: query.environment,
      window: now,
      previousWindow: before,
      // A currency only where some team's cost may be read.
      currency: [...(spend?.values() ?? [])].some(g => g.refused === undefined)
        ? currency
        : null,
      teams: teams.map(team => {
        const facts: [WindowFacts, WindowFacts, WindowFacts] = [
          teamWindow(delivery, spend, team.entityRef),
          teamWindow(previousDelivery, previousSpend, team.entityRef),
          { delivery: null, cost: null },
        ];
        const teamCurrency = facts[0].cost ? currency : null;
        return {
          entityRef: team.entityRef,
          ...(team.title ? { title: team.title } : {}),
          ...measuresOf({
            now: facts[0],
            before: facts[1],
            current: delivery?.get(team.entityRef)?.metrics ?? null,
            costDays: 0,
            thresholds: this.#thresholds,
          }),
          signals: evaluateSignals(
            {
              entityRef: team.entityRef,
              currency: teamCurrency,
              windows: facts,
            },
            this.#thresholds,
          ),
        };
      }),
      truncated:
        listed.size > MAX_TEAMS ||
        [metrics, cost].some(
          a => a.allowed && (a.value as { truncated: boolean }).truncated,
        ),
    };
  }

  /** Every team the caller can see, from the catalog (names only). */
  async #listTeams(credentials: BackstageCredentials) {
    const teams = new Map<string, { entityRef: string; title?: string }>();
    let cursor: string | undefined;
    do {
      const page = await this.#catalog.queryEntities(
        cursor
          ? { cursor, limit: 100 }
          : {
              filter: { kind: 'group', 'spec.type': 'team' },
              fields: [
                'kind',
                'metadata.name',
                'metadata.namespace',
                'metadata.title',
                'spec.profile.displayName',
              ],
              orderFields: { field: 'metadata.name', order: 'asc' },
              limit: 100,
            },
        { credentials },
      );
      for (const entity of page.items) {
        const profile = (entity.spec?.profile ?? {}) as {
          displayName?: string;
        };
        const entityRef = `group:${entity.metadata.namespace ?? 'default'}/${
          entity.metadata.name
        }`;
        const title = profile.displayName ?? entity.metadata.title;
        teams.set(entityRef, { entityRef, ...(title ? { title } : {}) });
      }
      cursor = page.pageInfo.nextCursor;
    } while (cursor && teams.size <= MAX_TEAMS);
    return teams;
  }

  get thresholds(): SignalThresholds {
    return this.#thresholds;
  }

  async outcomes(
    query: OutcomesQuery,
    credentials: BackstageCredentials,
  ): Promise<Outcomes> {
    const reads = this.#reads;
    const { entityRef, environment, windows } = query;
    const kind = entityRef ? parseEntityRef(entityRef).kind : undefined;
    // A group's type decides whether its silent services are named (see
    // #components); asked while the tokens are signed, not after, and kept
    // a moment for the caller as scopes are, so a team's page read again
    // asks its three component reads at once instead of after the catalog.
    const group =
      entityRef && kind === 'group'
        ? this.#scopes.entity(entityRef, { credentials })
        : undefined;
    // Settled later; a failure is the read's, not an unhandled rejection.
    group?.catch(() => undefined);
    const [doraToken, costToken, kubeToken] = await Promise.all([
      reads.tokenFor(credentials, 'dora'),
      reads.tokenFor(credentials, 'cost'),
      reads.tokenFor(credentials, 'kube-status'),
    ]);
    const doraWindow = (w: CostWindow) => ({
      entityRef,
      from: instant(w.from),
      to: instant(w.to),
      environment,
    });

    // The window, its weekly trend and the two windows before it in one
    // DORA read, and the window and the one before it in one cost read:
    // each plugin resolves the scope and checks the caller once.
    const metricsAsked = reads
      .ask('dora', () =>
        reads.dora.getMetrics(
          {
            query: {
              ...doraWindow(windows[0]),
              previousWindows: 2,
              trend: 'week',
            },
          },
          { token: doraToken },
        ),
      )
      .then(answer => windowsOf(answer, 3));
    const costAsked = reads
      .ask('cost', () =>
        reads.cost.getEntityCost(
          {
            query: {
              entityRef,
              from: windows[0].from,
              to: windows[0].to,
              granularity: 'day',
              previousWindows: 1,
            },
          },
          { token: costToken },
        ),
      )
      .then(answer => windowsOf(answer, 2));
    const [metrics, [cost, previousCost], components] = await Promise.all([
      metricsAsked,
      costAsked,
      entityRef && kind
        ? this.#components({
            entityRef,
            kind,
            window: windows[0],
            environment,
            tokens: { dora: doraToken, cost: costToken, kube: kubeToken },
            group,
            current: () =>
              Promise.all([
                metricsAsked.then(all => all[0]),
                costAsked.then(all => all[0]),
              ]),
          })
        : Promise.resolve(undefined),
    ]);

    const unavailable: Unavailable[] = [];
    if (!metrics[0].allowed) {
      unavailable.push({ stream: 'delivery', reason: metrics[0].reason });
    }
    if (!cost.allowed) {
      unavailable.push({ stream: 'cost', reason: cost.reason });
    }

    const facts: [WindowFacts, WindowFacts, WindowFacts] = [0, 1, 2].map(i => {
      const m = valueOf(metrics[i]);
      // Cost is compared over two windows; recovery over three.
      const c = [valueOf(cost), valueOf(previousCost)][i] ?? null;
      return {
        delivery: m ? deliveryFacts(m) : null,
        cost: c ? costFacts(c) : null,
      };
    }) as [WindowFacts, WindowFacts, WindowFacts];
    const currency = valueOf(cost)?.currency ?? null;
    const t = this.#thresholds;

    const days = valueOf(cost)?.series ?? [];
    return {
      entityRef: entityRef ?? null,
      environment,
      window: windows[0],
      previousWindow: windows[1],
      currency,
      ...measuresOf({
        now: facts[0],
        before: facts[1],
        current: valueOf(metrics[0]),
        costDays: days.filter(p => p.total !== 0).length,
        thresholds: t,
      }),
      weeks: this.#weeks(
        windows[0],
        valueOf(metrics[0])?.trend ?? null,
        valueOf(cost),
      ),
      signals: evaluateSignals(
        {
          entityRef: entityRef ?? null,
          currency,
          windows: facts,
          components,
        },
        t,
      ),
      unavailable,
    };
  }

  /** One week's row per week of the window: DORA's weekly points and the cost of its days. */
  #weeks(
    window: CostWindow,
    trends: DoraTrends | null,
    cost: EntityCost | null,
  ): Week[] {
    const points = new Map(
      (trends?.points ?? []).map(p => [Date.parse(p.start), p]),
    );
    return weeksOf(window).map(week => {
      const point = points.get(dayStart(week.from)!);
      return {
        start: week.from,
        end: week.to,
        deployments: point?.deploymentFrequency.value ?? null,
        changeLeadTime: point?.changeLeadTime.value ?? null,
        changeFailRate: point?.changeFailRate.value ?? null,
        failedDeploymentRecoveryTime:
          point?.failedDeploymentRecoveryTime.value ?? null,
        deploymentReworkRate: point?.deploymentReworkRate.value ?? null,
        cost: cost
          ? cost.series
              .filter(p => p.period >= week.from && p.period < week.to)
              .reduce((sum, p) => sum + p.total, 0)
          : null,
      };
    });
  }

  /** The components behind a scope: deployments, cost and running workloads each. */
  async #components(options: {
    entityRef: string;
    kind: string;
    window: CostWindow;
    environment: string;
    tokens: { dora: string; cost: string; kube: string };
    /** A group scope's entity, already asked of the catalog. */
    group?: Promise<Entity | undefined>;
    /** The scope's own metrics and cost of the window, already asked for. */
    current: () => Promise<[Answer<DoraMetrics>, Answer<EntityCost>]>;
  }): Promise<ComponentFacts[] | undefined> {
    const reads = this.#reads;
    const { entityRef, kind, window, environment, tokens } = options;
    const doraQuery = {
      entityRef,
      from: instant(window.from),
      to: instant(window.to),
      environment,
    };
    if (kind === 'component') {
      const [[metrics, cost], kube] = await Promise.all([
        options.current(),
        optional(
          reads.ask('kube-status', () =>
            reads.kubeStatus.getEntityStatus(
              { query: { entityRef } },
              { token: tokens.kube },
            ),
          ),
        ),
      ]);
      if (!metrics.allowed) return undefined;
      return [
        {
          entityRef,
          deployments: metrics.value.deploymentFrequency.deployments,
          cost: valueOf(cost)?.total ?? 0,
          runningWorkloads: running(valueOf(kube)?.workloads),
        },
      ];
    }
    if (kind === 'group') {
      // Silent services are named for teams and systems, where someone owns
      // the fix; a department or the organisation sees them team by team
      // (and listing every component of it costs more than the whole read).
      const group = await options.group;
      if (group?.spec?.type !== 'team') return undefined;
    }
    const [breakdown, rankings, kube] = await Promise.all([
      reads.ask('dora', () =>
        reads.dora.getBreakdown({ query: doraQuery }, { token: tokens.dora }),
      ),
      reads.ask('cost', () =>
        reads.cost.getRankings(
          { query: { entityRef, from: window.from, to: window.to } },
          { token: tokens.cost },
        ),
      ),
      optional(
        reads.ask('kube-status', () =>
          reads.kubeStatus.getTeamStatus(
            { query: { entityRef } },
            { token: tokens.kube },
          ),
        ),
      ),
    ]);
    // Without the delivery stream nobody can tell a silent service.
    if (!breakdown.allowed) return undefined;
    const components = new Map<string, ComponentFacts>();
    const entry = (ref: string) => {
      let facts = components.get(ref);
      if (!facts) {
        facts = {
          entityRef: ref,
          deployments: 0,
          cost: 0,
          runningWorkloads: 0,
        };
        components.set(ref, facts);
      }
      return facts;
    };
    for (const service of breakdown.value.services) {
      entry(service.entityRef).deployments =
        service.metrics.deploymentFrequency.deployments;
    }
    for (const ranked of valueOf(rankings)?.byCost ?? []) {
      const facts = entry(ranked.entityRef);
      facts.cost = ranked.total;
      if (ranked.title) facts.title = ranked.title;
    }
    for (const component of valueOf(kube)?.components ?? []) {
      const facts = entry(component.entityRef);
      facts.runningWorkloads = running(component.workloads);
      if (component.title) facts.title ??= component.title;
    }
    return [...components.values()];
  }
}

/**
 * A comparison's answer (a window with `previous`, newest first) as one
 * answer per window: `count` of them, a refusal refusing each.
 */
function windowsOf<T extends { previous?: T[] }>(
  answer: Answer<T>,
  count: number,
): Answer<T>[] {
  if (!answer.allowed) return Array(count).fill(answer);
  const { previous = [], ...current } = answer.value;
  return [current as T, ...previous.slice(0, count - 1)].map(value => ({
    allowed: true as const,
    value,
  }));
}

/**
 * Running workloads only add evidence to the silent-service rule: without
 * the Kubernetes status (not installed, not allowed, failing) the rule
 * goes by cost alone.
 */
async function optional<T>(answer: Promise<Answer<T>>): Promise<Answer<T>> {
  return answer.catch(() => ({
    allowed: false as const,
    reason: 'The Kubernetes status could not be read',
  }));
}

function running(
  workloads: Array<{ replicas: { desired: number } }> | undefined,
): number {
  return (workloads ?? []).filter(w => w.replicas.desired > 0).length;
}
