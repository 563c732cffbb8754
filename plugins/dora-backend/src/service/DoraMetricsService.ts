import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  doraMetricNames,
  type DoraBreakdown,
  type DoraDeploymentFilter,
  type DoraDeploymentRow,
  type DoraMetricName,
  type DoraMetrics,
  type DoraSeries,
  type DoraSeriesInterval,
} from '@paved/plugin-dora-common';
import type { DeploymentVerdict, DoraStore } from '../database/DoraStore';
import type { CatalogScopes } from '../catalog/CatalogScopes';
import type { ScopeFacts } from '../database/DoraStore';
import {
  ALL_TIME,
  analyseDeployments,
  metricsFromDeployments,
  percentile,
  toDeploymentRow,
  type MetricRules,
} from '../metrics/computeMetrics';

const DAY = 86_400_000;
const REFRESH_DELAY_MS = 1000;
const ATTRIBUTION_INTERVAL_MS = 10_000;

/** What a metrics read is about: a scope, a window and an environment. */
export type MetricsQuery = {
  entityRef?: string;
  from?: string;
  to?: string;
  environment?: string;
};

export const metricNames = doraMetricNames;
export type MetricName = DoraMetricName;
export type SeriesInterval = DoraSeriesInterval;
export type DeploymentRow = DoraDeploymentRow;

const deploymentFilters: DoraDeploymentFilter[] = [
  'all',
  'failed',
  'rework',
  'with-changes',
];

function headline(metrics: DoraMetrics, metric: MetricName) {
  switch (metric) {
    case 'deploymentFrequency':
      return {
        value: metrics.deploymentFrequency.deployments,
        n: metrics.deploymentFrequency.deployments,
      };
    case 'changeLeadTime':
      return metrics.changeLeadTime.p50 === null
        ? { value: null, n: 0 }
        : { value: metrics.changeLeadTime.p50, n: metrics.changeLeadTime.n };
    case 'changeFailRate':
      return {
        value: metrics.changeFailRate.rate,
        n: metrics.changeFailRate.deployments,
      };
    case 'failedDeploymentRecoveryTime':
      return {
        value: metrics.failedDeploymentRecoveryTime.p50,
        n: metrics.failedDeploymentRecoveryTime.n,
      };
    case 'deploymentReworkRate':
      return {
        value: metrics.deploymentReworkRate.rate,
        n: metrics.deploymentReworkRate.deployments,
      };
    default:
      throw new InputError(`unknown metric ${metric}`);
  }
}

function nextBoundary(start: Date, interval: SeriesInterval) {
  const next = new Date(start);
  if (interval === 'day') next.setUTCDate(next.getUTCDate() + 1);
  if (interval === 'week') next.setUTCDate(next.getUTCDate() + 7);
  if (interval === 'month') next.setUTCMonth(next.getUTCMonth() + 1);
  return next;
}

/**
 * The DORA reads behind the HTTP API and the MCP actions: metrics, a
 * metric's time series and the deployments behind the numbers.
 *
 * Reads aggregate the analysed deployments the store keeps per entity.
 * After every ingest the entities whose facts changed are re-analysed in
 * the background; a read that finds an entity still stale analyses it
 * first, so no read ever sees an outdated verdict, on any replica.
 */
export class DoraMetricsService {
  readonly #store: DoraStore;
  readonly #scopes: CatalogScopes;
  readonly #rules: MetricRules;
  readonly #logger: LoggerService;
  #lastAttribution = 0;
  #attribution: Promise<void> = Promise.resolve();
  #refreshing: Promise<void> | undefined;
  #refreshAgain = false;
  /** The background analysis pass running now, if any. */
  #pass: Promise<void> | undefined;

  static create(options: {
    store: DoraStore;
    scopes: CatalogScopes;
    rules: MetricRules;
    logger: LoggerService;
  }) {
    return new DoraMetricsService(options);
  }

  private constructor(options: {
    store: DoraStore;
    scopes: CatalogScopes;
    rules: MetricRules;
    logger: LoggerService;
  }) {
    this.#store = options.store;
    this.#scopes = options.scopes;
    this.#rules = options.rules;
    this.#logger = options.logger;
  }

  /**
   * Re-analyses, in the background, every entity whose facts changed. A
   * pass starts a moment after the first call, so a burst of batches is
   * analysed once; calls during a pass coalesce into one more pass.
   */
  refreshSoon(): void {
    this.#refreshAgain = true;
    if (this.#refreshing) return;
    this.#refreshing = (async () => {
      while (this.#refreshAgain) {
        await new Promise(resolve => setTimeout(resolve, REFRESH_DELAY_MS));
        this.#refreshAgain = false;
        this.#pass = this.#analyseStale(undefined);
        try {
          await this.#pass;
        } catch (error) {
          this.#logger.warn(`DORA analysis refresh failed: ${error}`);
        } finally {
          this.#pass = undefined;
        }
      }
    })().finally(() => {
      this.#refreshing = undefined;
    });
  }

  /** Waits until background analysis is done (benchmark and shutdown). */
  async settled(): Promise<void> {
    while (this.#refreshing) await this.#refreshing;
  }

  /** Analyses the stale entities among `entityRefs` (or all of them). */
  async #analyseStale(entityRefs: string[] | undefined) {
    const stale = await this.#store.staleAnalyses(entityRefs);
    const refs = [...stale.keys()];
    for (let i = 0; i < refs.length; i += 100) {
      const batch = refs.slice(i, i + 100);
      const facts = await this.#store.factsFor({ entityRefs: batch });
      const byRef = new Map<string, ScopeFacts>(
        batch.map(ref => [
          ref,
          { deployments: [], changes: [], incidents: [] },
        ]),
      );
      facts.deployments.forEach(d =>
        byRef.get(d.entityRef!)?.deployments.push(d),
      );
      facts.changes.forEach(c => byRef.get(c.entityRef!)?.changes.push(c));
      facts.incidents.forEach(n => byRef.get(n.entityRef!)?.incidents.push(n));
      for (const [ref, entityFacts] of byRef) {
        await this.#store.replaceAnalyses(
          ref,
          stale.get(ref)!,
          analyseAllEnvironments(entityFacts, this.#rules),
        );
      }
    }
  }

  /**
   * Attributes events whose service now matches a catalog entity. Asking
   * the catalog costs a listing of every component, so reads do it at most
   * every ten seconds; the unattributed count itself is always current.
   * Reads that arrive during an attribution wait for it, so they all see
   * the same state.
   */
  async #attributeLateArrivals(): Promise<number> {
    await this.#attribution;
    const unattributed = await this.#store.unattributedServices();
    const total = unattributed.reduce((n, u) => n + u.events, 0);
    if (
      total === 0 ||
      Date.now() - this.#lastAttribution < ATTRIBUTION_INTERVAL_MS
    ) {
      return total;
    }
    this.#lastAttribution = Date.now();
    this.#attribution = this.#attribute(unattributed).catch(error =>
      this.#logger.warn(`DORA late attribution failed: ${error}`),
    );
    await this.#attribution;
    const remaining = await this.#store.unattributedServices();
    return remaining.reduce((n, u) => n + u.events, 0);
  }

  async #attribute(
    unattributed: Array<{ service: string; events: number }>,
  ): Promise<void> {
    const resolved = await this.#scopes.resolveServices(
      unattributed.map(u => u.service),
    );
    for (const { service } of unattributed) {
      const ref = resolved.get(service);
      if (ref) await this.#store.attribute(service, ref);
    }
  }

  async #scope(query: MetricsQuery) {
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from
      ? new Date(query.from)
      : new Date(to.getTime() - 30 * DAY);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
      throw new InputError('from and to must be ISO-8601 timestamps');
    }
    if (from >= to) throw new InputError('from must be before to');
    const environment = query.environment || 'production';
    const unattributedEvents = await this.#attributeLateArrivals();
    const entityRefs = query.entityRef
      ? await this.#scopes.componentsOf(query.entityRef)
      : undefined;
    // Share the entities a running background pass is writing.
    await this.#pass?.catch(() => {});
    await this.#analyseStale(entityRefs);
    return {
      from,
      to,
      environment,
      entityRefs,
      entityRef: query.entityRef ?? null,
      unattributedEvents,
    };
  }

  async #load(query: MetricsQuery) {
    const scope = await this.#scope(query);
    const deployments = await this.#store.deploymentVerdicts(scope);
    return { ...scope, deployments };
  }

  async metrics(query: MetricsQuery): Promise<DoraMetrics> {
    return metricsFromDeployments(await this.#load(query));
  }

  /** The metrics of each component of a scope, for ranking services. */
  async breakdown(query: MetricsQuery): Promise<DoraBreakdown> {
    const loaded = await this.#load(query);
    const byRef = new Map<string, DeploymentVerdict[]>(
      (
        loaded.entityRefs ?? [
          ...new Set(loaded.deployments.flatMap(d => d.entityRef ?? [])),
        ]
      ).map(ref => [ref, []]),
    );
    for (const d of loaded.deployments) {
      if (d.entityRef) byRef.get(d.entityRef)?.push(d);
    }
    return {
      entityRef: loaded.entityRef,
      environment: loaded.environment,
      from: loaded.from.toISOString(),
      to: loaded.to.toISOString(),
      services: [...byRef].map(([entityRef, deployments]) => ({
        entityRef,
        metrics: metricsFromDeployments({
          ...loaded,
          deployments,
          entityRef,
        }),
      })),
    };
  }

  async series(
    query: MetricsQuery,
    metric: MetricName,
    interval: SeriesInterval,
  ): Promise<DoraSeries> {
    if (!metricNames.includes(metric)) {
      throw new InputError(`metric must be one of ${metricNames.join(', ')}`);
    }
    if (!['day', 'week', 'month'].includes(interval)) {
      throw new InputError('interval must be day, week or month');
    }
    const loaded = await this.#load(query);
    const points = [];
    for (let start = loaded.from; start < loaded.to; ) {
      const next = nextBoundary(start, interval);
      const end = next < loaded.to ? next : loaded.to;
      const m = metricsFromDeployments({ ...loaded, from: start, to: end });
      points.push({
        start: start.toISOString(),
        end: end.toISOString(),
        ...headline(m, metric),
      });
      start = end;
    }
    return {
      entityRef: loaded.entityRef,
      environment: loaded.environment,
      metric,
      interval,
      points,
    };
  }

  async deployments(
    query: MetricsQuery,
    filter: DoraDeploymentFilter = 'all',
  ): Promise<DeploymentRow[]> {
    if (!deploymentFilters.includes(filter)) {
      throw new InputError(
        `filter must be one of ${deploymentFilters.join(', ')}`,
      );
    }
    const scope = await this.#scope(query);
    return this.#store.analysedDeployments({ ...scope, filter });
  }

  async unattributed() {
    await this.#attributeLateArrivals();
    return this.#store.unattributedServices();
  }
}

/** Every successful deployment of one entity, analysed per environment. */
function analyseAllEnvironments(
  facts: ScopeFacts,
  rules: MetricRules,
): DeploymentRow[] {
  const environments = new Set(facts.deployments.map(d => d.environment));
  return [...environments].flatMap(environment =>
    analyseDeployments(
      {
        deployments: facts.deployments.filter(
          d => d.environment === environment,
        ),
        changes: facts.changes,
        incidents: facts.incidents.filter(i => i.environment === environment),
      },
      ALL_TIME.from,
      ALL_TIME.to,
      rules,
    ).map(toDeploymentRow),
  );
}

/** The drill-down as CSV, one line per deployment. */
export function deploymentsToCsv(rows: DeploymentRow[]): string {
  const header = [
    'deployment_id',
    'source',
    'service',
    'entity_ref',
    'environment',
    'finished_at',
    'commit_sha',
    'delivered_changes',
    'median_lead_time_seconds',
    'failed',
    'failure_rules',
    'recovery_seconds',
    'rollback',
    'rework',
    'rework_reasons',
    'incidents',
  ];
  const quote = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = rows.map(row => {
    const leads = row.delivered
      .flatMap(d =>
        d.leadTimeSeconds !== undefined ? [d.leadTimeSeconds] : [],
      )
      .sort((a, b) => a - b);
    const median = percentile(leads, 0.5);
    return [
      row.id,
      row.source,
      row.service,
      row.entityRef,
      row.environment,
      row.finishedAt,
      row.commitSha,
      row.delivered.length,
      median,
      row.failed,
      row.failure.map(f => f.rule).join(' '),
      row.recoverySeconds,
      row.rollback,
      row.rework,
      row.reworkReasons.join(' '),
      row.incidents.map(i => `${i.relation}:${i.id}`).join(' '),
    ]
      .map(quote)
      .join(',');
  });
  return `${[header.join(','), ...lines].join('\n')}\n`;
}
