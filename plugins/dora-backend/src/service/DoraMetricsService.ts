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
import type { DoraStore } from '../database/DoraStore';
import type { CatalogScopes } from '../catalog/CatalogScopes';
import type { ScopeFacts } from '../database/DoraStore';
import {
  ALL_TIME,
  analyseDeployments,
  metricsFromAnalyses,
  percentile,
  type DeploymentAnalysis,
  type MetricRules,
} from '../metrics/computeMetrics';

const DAY = 86_400_000;

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

const deploymentFilters: Record<
  DoraDeploymentFilter,
  (a: DeploymentAnalysis) => boolean
> = {
  all: () => true,
  failed: a => a.failure.length > 0,
  rework: a => a.rework,
  'with-changes': a => a.delivered.some(d => d.leadTimeSeconds !== undefined),
};

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
 */
export class DoraMetricsService {
  readonly #store: DoraStore;
  readonly #scopes: CatalogScopes;
  readonly #rules: MetricRules;
  /**
   * Every deployment of an entity analysed over all time, per
   * (entity, environment), with the facts' version it was computed from.
   * Reads only re-read the entities whose version moved since.
   */
  #lastAttribution = 0;
  readonly #analyses = new Map<
    string,
    { version: number; analyses: DeploymentAnalysis[] }
  >();

  static create(options: {
    store: DoraStore;
    scopes: CatalogScopes;
    rules: MetricRules;
  }) {
    return new DoraMetricsService(options.store, options.scopes, options.rules);
  }

  private constructor(
    store: DoraStore,
    scopes: CatalogScopes,
    rules: MetricRules,
  ) {
    this.#store = store;
    this.#scopes = scopes;
    this.#rules = rules;
  }

  /**
   * Attributes events whose service now matches a catalog entity. Asking
   * the catalog costs a listing of every component, so reads do it at most
   * once a minute; the unattributed count itself is always current.
   */
  async #attributeLateArrivals(): Promise<number> {
    const unattributed = await this.#store.unattributedServices();
    const total = unattributed.reduce((n, u) => n + u.events, 0);
    if (total === 0 || Date.now() - this.#lastAttribution < 60_000) {
      return total;
    }
    this.#lastAttribution = Date.now();
    const resolved = await this.#scopes.resolveServices(
      unattributed.map(u => u.service),
    );
    let remaining = 0;
    for (const { service, events } of unattributed) {
      const ref = resolved.get(service);
      if (ref) await this.#store.attribute(service, ref);
      else remaining += events;
    }
    return remaining;
  }

  async #analysesFor(
    entityRefs: string[] | undefined,
    environment: string,
  ): Promise<DeploymentAnalysis[]> {
    const versions = await this.#store.versionsFor(entityRefs);
    const key = (ref: string) => `${ref}|${environment}`;
    const stale = [...versions]
      .filter(
        ([ref, version]) => this.#analyses.get(key(ref))?.version !== version,
      )
      .map(([ref]) => ref);
    for (let i = 0; i < stale.length; i += 500) {
      const refs = stale.slice(i, i + 500);
      const facts = await this.#store.factsFor({
        entityRefs: refs,
        environment,
      });
      const byRef = new Map<string, ScopeFacts>(
        refs.map(ref => [ref, { deployments: [], changes: [], incidents: [] }]),
      );
      facts.deployments.forEach(d =>
        byRef.get(d.entityRef!)?.deployments.push(d),
      );
      facts.changes.forEach(c => byRef.get(c.entityRef!)?.changes.push(c));
      facts.incidents.forEach(n => byRef.get(n.entityRef!)?.incidents.push(n));
      for (const [ref, entityFacts] of byRef) {
        this.#analyses.set(key(ref), {
          version: versions.get(ref)!,
          analyses: analyseDeployments(
            entityFacts,
            ALL_TIME.from,
            ALL_TIME.to,
            this.#rules,
          ),
        });
      }
    }
    return [...versions.keys()].flatMap(
      ref => this.#analyses.get(key(ref))?.analyses ?? [],
    );
  }

  async #load(query: MetricsQuery) {
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
    const analyses = await this.#analysesFor(entityRefs, environment);
    return {
      analyses,
      entityRefs: entityRefs ?? [
        ...new Set(analyses.flatMap(a => a.deployment.entityRef ?? [])),
      ],
      from,
      to,
      environment,
      entityRef: query.entityRef ?? null,
      unattributedEvents,
    };
  }

  async metrics(query: MetricsQuery): Promise<DoraMetrics> {
    return metricsFromAnalyses(await this.#load(query));
  }

  /** The metrics of each component of a scope, for ranking services. */
  async breakdown(query: MetricsQuery): Promise<DoraBreakdown> {
    const loaded = await this.#load(query);
    const byRef = new Map<string, DeploymentAnalysis[]>(
      loaded.entityRefs.map(ref => [ref, []]),
    );
    for (const a of loaded.analyses) {
      if (a.deployment.entityRef) byRef.get(a.deployment.entityRef)?.push(a);
    }
    return {
      entityRef: loaded.entityRef,
      environment: loaded.environment,
      from: loaded.from.toISOString(),
      to: loaded.to.toISOString(),
      services: [...byRef].map(([entityRef, analyses]) => ({
        entityRef,
        metrics: metricsFromAnalyses({
          ...loaded,
          analyses,
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
      const m = metricsFromAnalyses({ ...loaded, from: start, to: end });
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
    const matches = deploymentFilters[filter];
    if (!matches) {
      throw new InputError(
        `filter must be one of ${Object.keys(deploymentFilters).join(', ')}`,
      );
    }
    const loaded = await this.#load(query);
    const newestFirst = (a: DeploymentAnalysis, b: DeploymentAnalysis) =>
      b.deployment.finishedAt.getTime() - a.deployment.finishedAt.getTime() ||
      b.deployment.id.localeCompare(a.deployment.id);
    return loaded.analyses
      .filter(
        a =>
          a.deployment.finishedAt >= loaded.from &&
          a.deployment.finishedAt < loaded.to &&
          matches(a),
      )
      .sort(newestFirst)
      .map(a => ({
        id: a.deployment.id,
        source: a.deployment.source,
        service: a.deployment.service,
        entityRef: a.deployment.entityRef,
        environment: a.deployment.environment,
        startedAt: a.deployment.startedAt.toISOString(),
        finishedAt: a.deployment.finishedAt.toISOString(),
        commitSha: a.deployment.commitSha,
        rollback: a.deployment.rollback,
        unplanned: a.deployment.unplanned,
        delivered: a.delivered.map(d => ({
          sha: d.sha,
          changeId: d.change?.id,
          authoredAt: d.change?.authoredAt.toISOString(),
          labels: d.change?.labels,
          leadTimeSeconds: d.leadTimeSeconds,
        })),
        failed: a.failure.length > 0,
        failure: a.failure,
        incidents: a.incidents.map(({ incident, relation }) => ({
          id: incident.id,
          openedAt: incident.openedAt.toISOString(),
          resolvedAt: incident.resolvedAt?.toISOString() ?? null,
          relation,
        })),
        recoverySeconds: a.recoverySeconds,
        rework: a.rework,
        reworkReasons: a.reworkReasons,
      }));
  }

  async unattributed() {
    await this.#attributeLateArrivals();
    return this.#store.unattributedServices();
  }
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
