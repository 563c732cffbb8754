import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  addDays,
  dayStart,
  type CostWindow,
  type EntityCost,
} from '@paved/plugin-cost-common';
import type {
  DoraMetricName,
  DoraMetrics,
  DoraSeries,
} from '@paved/plugin-dora-common';
import type {
  Measure,
  Outcomes,
  Unavailable,
  Week,
} from '@paved/plugin-outcomes-common';
import {
  defaultSignalThresholds,
  type ComponentFacts,
  type CostFacts,
  type DeliveryFacts,
  type SignalThresholds,
  type WindowFacts,
} from './facts';
import { measureOf, ratio, unavailableMeasure } from './measures';
import type { Answer, PlatformReads } from './PlatformReads';
import { evaluateSignals } from './signals';
import type { OutcomesQuery } from './window';

const SERIES_METRICS: DoraMetricName[] = [
  'deploymentFrequency',
  'changeLeadTime',
  'changeFailRate',
  'failedDeploymentRecoveryTime',
  'deploymentReworkRate',
];

const instant = (day: string) => `${day}T00:00:00Z`;

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
  readonly #thresholds: SignalThresholds;

  static create(options: {
    reads: PlatformReads;
    thresholds?: Partial<SignalThresholds>;
  }) {
    return new OutcomesService(options.reads, {
      ...defaultSignalThresholds,
      ...options.thresholds,
    });
  }

  private constructor(reads: PlatformReads, thresholds: SignalThresholds) {
    this.#reads = reads;
    this.#thresholds = thresholds;
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
    const kind = entityRef ? parseEntityRef(entityRef).kind : undefined;

    const metricsAsked = Promise.all(
      windows.map(w =>
        reads.ask('dora', () =>
          reads.dora.getMetrics({ query: doraWindow(w) }, { token: doraToken }),
        ),
      ),
    );
    const costAsked = reads.ask('cost', () =>
      reads.cost.getEntityCost(
        {
          query: {
            entityRef,
            from: windows[0].from,
            to: windows[0].to,
            granularity: 'day',
          },
        },
        { token: costToken },
      ),
    );
    const [metrics, series, cost, previousCost, components] = await Promise.all(
      [
        metricsAsked,
        Promise.all(
          SERIES_METRICS.map(metric =>
            reads.ask('dora', () =>
              reads.dora.getSeries(
                {
                  query: {
                    ...doraWindow(windows[0]),
                    metric,
                    interval: 'week',
                  },
                },
                { token: doraToken },
              ),
            ),
          ),
        ),
        costAsked,
        reads.ask('cost', () =>
          reads.cost.getEntityCost(
            {
              query: {
                entityRef,
                from: windows[1].from,
                to: windows[1].to,
                granularity: 'month',
              },
            },
            { token: costToken },
          ),
        ),
        entityRef && kind
          ? this.#components({
              entityRef,
              kind,
              window: windows[0],
              environment,
              tokens: { dora: doraToken, cost: costToken, kube: kubeToken },
              current: () =>
                Promise.all([metricsAsked.then(all => all[0]), costAsked]),
            })
          : Promise.resolve(undefined),
      ],
    );

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

    const [now, before] = facts;
    const current = valueOf(metrics[0]);
    const delivery = (
      pick: (d: DeliveryFacts) => number | null,
      n: (d: DeliveryFacts) => number,
      band: DoraMetrics[keyof DoraMetrics] | undefined,
      better: 'lower' | 'higher',
      rate = false,
    ): Measure =>
      now.delivery
        ? measureOf(
            {
              value: pick(now.delivery),
              previous: before.delivery ? pick(before.delivery) : null,
              n: n(now.delivery),
              band:
                band && typeof band === 'object' && 'benchmark' in band
                  ? band.benchmark.band
                  : null,
            },
            { better, rate },
            t,
          )
        : unavailableMeasure;
    const costMeasure = (
      pick: (w: WindowFacts) => number | null,
      n: number,
    ): Measure =>
      now.cost && (now.delivery || pick(now) !== null)
        ? measureOf(
            {
              value: pick(now),
              previous: before.cost ? pick(before) : null,
              n,
            },
            { better: 'lower' },
            t,
          )
        : unavailableMeasure;

    const days = valueOf(cost)?.series ?? [];
    return {
      entityRef: entityRef ?? null,
      environment,
      window: windows[0],
      previousWindow: windows[1],
      currency,
      speed: {
        changeLeadTime: delivery(
          d => d.leadTime,
          d => d.changes,
          current?.changeLeadTime,
          'lower',
        ),
        deploymentFrequency: delivery(
          d => d.perDay,
          d => d.deployments,
          current?.deploymentFrequency,
          'higher',
        ),
        failedDeploymentRecoveryTime: delivery(
          d => d.recoveryTime,
          d => d.recoveries,
          current?.failedDeploymentRecoveryTime,
          'lower',
        ),
      },
      stability: {
        changeFailRate: delivery(
          d => d.changeFailRate,
          d => d.deployments,
          current?.changeFailRate,
          'lower',
          true,
        ),
        deploymentReworkRate: delivery(
          d => d.deploymentReworkRate,
          d => d.deployments,
          current?.deploymentReworkRate,
          'lower',
          true,
        ),
      },
      cost: {
        total: now.cost
          ? measureOf(
              {
                value: now.cost.total,
                previous: before.cost?.total ?? null,
                n: days.filter(p => p.total !== 0).length,
              },
              { better: 'lower' },
              t,
            )
          : unavailableMeasure,
        perDeployment: costMeasure(
          w =>
            w.delivery ? ratio(w.cost?.total, w.delivery.deployments) : null,
          now.delivery?.deployments ?? 0,
        ),
        perChange: costMeasure(
          w => (w.delivery ? ratio(w.cost?.total, w.delivery.changes) : null),
          now.delivery?.changes ?? 0,
        ),
        perRequest: now.cost
          ? measureOf(
              {
                value: now.cost.perRequest,
                previous: before.cost?.perRequest ?? null,
                n: Math.round(now.cost.requests ?? 0),
              },
              { better: 'lower' },
              t,
            )
          : unavailableMeasure,
      },
      weeks: this.#weeks(windows[0], series, valueOf(cost)),
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
    series: Array<Answer<DoraSeries>>,
    cost: EntityCost | null,
  ): Week[] {
    const pointsBy = new Map<DoraMetricName, Map<number, number | null>>();
    for (const answer of series) {
      if (!answer.allowed) continue;
      pointsBy.set(
        answer.value.metric,
        new Map(answer.value.points.map(p => [Date.parse(p.start), p.value])),
      );
    }
    const at = (metric: DoraMetricName, day: string) =>
      pointsBy.get(metric)?.get(dayStart(day)!) ?? null;
    return weeksOf(window).map(week => ({
      start: week.from,
      end: week.to,
      deployments: at('deploymentFrequency', week.from),
      changeLeadTime: at('changeLeadTime', week.from),
      changeFailRate: at('changeFailRate', week.from),
      failedDeploymentRecoveryTime: at(
        'failedDeploymentRecoveryTime',
        week.from,
      ),
      deploymentReworkRate: at('deploymentReworkRate', week.from),
      cost: cost
        ? cost.series
            .filter(p => p.period >= week.from && p.period < week.to)
            .reduce((sum, p) => sum + p.total, 0)
        : null,
    }));
  }

  /** The components behind a scope: deployments, cost and running workloads each. */
  async #components(options: {
    entityRef: string;
    kind: string;
    window: CostWindow;
    environment: string;
    tokens: { dora: string; cost: string; kube: string };
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
