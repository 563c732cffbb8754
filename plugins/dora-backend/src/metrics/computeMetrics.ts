import {
  changeFailRateBenchmark,
  changeLeadTimeBenchmark,
  deploymentFrequencyBenchmark,
  recoveryTimeBenchmark,
  reworkRateBenchmark,
  type DeploymentFrequencyBucket,
  type DoraDeploymentRow,
  type DoraMetrics,
  type DurationDistribution,
  type FailureReason,
} from '@paved/plugin-dora-common';
import {
  verdictOf,
  type DeploymentVerdict,
  type ScopeFacts,
  type StoredChange,
  type StoredDeployment,
  type StoredIncident,
} from './facts';

const DAY = 86_400_000;

export type MetricRules = {
  /** How far back an incident without a named cause looks for a deployment. */
  incidentAttributionWindowMs: number;
  /** Change labels that make the delivering deployment rework. */
  reworkLabels: string[];
};

export const defaultMetricRules: MetricRules = {
  incidentAttributionWindowMs: 7 * DAY,
  reworkLabels: ['hotfix', 'revert', 'bug', 'incident'],
};

/**
 * The analysis's own version: raised by a change to the analysis that
 * changes stored verdicts, so that every entity is analysed again.
 */
const ANALYSIS_VERSION = 1;

/**
 * The rules as stored beside the analyses made with them: equal for rules
 * that decide the same verdicts, different when a verdict may differ.
 */
export function metricRulesKey(rules: MetricRules): string {
  return JSON.stringify({
    analysis: ANALYSIS_VERSION,
    incidentAttributionWindowMs: rules.incidentAttributionWindowMs,
    reworkLabels: [...new Set(rules.reworkLabels)].sort(),
  });
}

/** One deployment in the window with everything the metrics say about it. */
export type DeploymentAnalysis = {
  deployment: StoredDeployment;
  delivered: Array<{
    sha: string;
    change?: StoredChange;
    leadTimeSeconds?: number;
  }>;
  failure: FailureReason[];
  recoverySeconds: number | null;
  rework: boolean;
  /** Why it is rework: rollback, unplanned, label:<label>, resolves:<incident>. */
  reworkReasons: string[];
  /** Incidents blamed on it ('caused') or resolved by it ('resolved'). */
  incidents: Array<{
    incident: StoredIncident;
    relation: 'caused' | 'resolved';
  }>;
};

/** Percentile with linear interpolation between closest ranks (percentile_cont). */
export function percentile(
  sorted: ArrayLike<number>,
  p: number,
): number | null {
  if (sorted.length === 0) return null;
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** p50, p75 and p90 of durations in seconds, with how many there are. */
export function distribution(values: number[]): DurationDistribution {
  // A typed array sorts numerically, several times faster than a comparator.
  const sorted = Float64Array.from(values).sort();
  return {
    p50: percentile(sorted, 0.5),
    p75: percentile(sorted, 0.75),
    p90: percentile(sorted, 0.9),
    n: sorted.length,
  };
}

/**
 * The median number of deployments per period of `[from, to)`, from the
 * deployments per day of the window (day index from `from`): counted per
 * non-empty period only, the empty ones are implied, so memory is
 * proportional to the days with deployments, never to the window.
 */
function medianPerPeriod(
  perDay: Map<number, number>,
  from: Date,
  to: Date,
  periodDays: number,
): number {
  const periods = Math.max(
    1,
    Math.floor((to.getTime() - from.getTime()) / (periodDays * DAY)),
  );
  const counts = new Map<number, number>();
  for (const [day, n] of perDay) {
    const index = Math.floor(day / periodDays);
    if (index >= 0 && index < periods) {
      counts.set(index, (counts.get(index) ?? 0) + n);
    }
  }
  const nonEmpty = [...counts.values()].sort((a, b) => a - b);
  const empty = periods - nonEmpty.length;
  // The k-th smallest of all periods' counts: the empty ones come first.
  const nth = (k: number) => (k < empty ? 0 : nonEmpty[k - empty]);
  const position = 0.5 * (periods - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return nth(lower) + (nth(upper) - nth(lower)) * (position - lower);
}

/** Deployments per day of `[from, …)`, by day index from `from`. */
function deploymentsPerDay(finishedAt: number[], from: Date) {
  const perDay = new Map<number, number>();
  for (const t of finishedAt) {
    const day = Math.floor((t - from.getTime()) / DAY);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  return perDay;
}

/** DORA survey bucket from the median deployments per day, week and month. */
export function frequencyBucket(
  finishedAt: Date[],
  from: Date,
  to: Date,
): DeploymentFrequencyBucket | null {
  return bucketOf(
    deploymentsPerDay(
      finishedAt.map(d => d.getTime()),
      from,
    ),
    from,
    to,
  );
}

function bucketOf(
  perDay: Map<number, number>,
  from: Date,
  to: Date,
): DeploymentFrequencyBucket | null {
  if (perDay.size === 0) return null;
  const perPeriod = (days: number) => medianPerPeriod(perDay, from, to, days);
  if (perPeriod(1) > 1) return 'on-demand';
  if (perPeriod(1) >= 1) return 'daily';
  if (perPeriod(7) >= 1) return 'weekly';
  if (perPeriod(30) >= 1) return 'monthly';
  return 'less-than-monthly';
}

const byFinish = (a: StoredDeployment, b: StoredDeployment) =>
  a.finishedAt.getTime() - b.finishedAt.getTime() || a.id.localeCompare(b.id);

const serviceKey = (e: { entityRef: string | null; service: string }) =>
  e.entityRef ?? `service:${e.service}`;

/**
 * Applies the DORA metric rules (see the plugin README) to the facts of one
 * scope, window `[from, to)` and environment.
 */
export function analyseDeployments(
  facts: ScopeFacts,
  from: Date,
  to: Date,
  rules: MetricRules = defaultMetricRules,
): DeploymentAnalysis[] {
  const successfulByService = new Map<string, StoredDeployment[]>();
  for (const d of facts.deployments) {
    if (d.status !== 'success') continue;
    const list = successfulByService.get(serviceKey(d)) ?? [];
    list.push(d);
    successfulByService.set(serviceKey(d), list);
  }
  const changesByServiceSha = new Map<string, StoredChange>();
  for (const c of facts.changes) {
    const key = `${serviceKey(c)}|${c.sha}`;
    const existing = changesByServiceSha.get(key);
    if (!existing || c.authoredAt < existing.authoredAt) {
      changesByServiceSha.set(key, c);
    }
  }
  const deploymentById = new Map(
    facts.deployments.map(d => [`${serviceKey(d)}|${d.id}`, d]),
  );
  const incidentsByService = new Map<string, StoredIncident[]>();
  for (const i of facts.incidents) {
    const list = incidentsByService.get(serviceKey(i)) ?? [];
    list.push(i);
    incidentsByService.set(serviceKey(i), list);
  }
  const reworkLabels = new Set(rules.reworkLabels);

  const analyses: DeploymentAnalysis[] = [];
  for (const [key, deployments] of successfulByService) {
    deployments.sort(byFinish);
    const incidents = incidentsByService.get(key) ?? [];
    const seen = new Set<string>();
    const delivered = deployments.map(d => {
      const shas = [...d.commits, d.commitSha].filter(sha => {
        if (seen.has(sha)) return false;
        seen.add(sha);
        return true;
      });
      return shas;
    });

    // Incidents with no named cause go to the latest deployment before them.
    const blamedByTime = new Map<StoredDeployment, StoredIncident[]>();
    for (const incident of incidents) {
      if (incident.causedByDeploymentId || incident.causedBySha) continue;
      const opened = incident.openedAt.getTime();
      const candidates = deployments.filter(
        d =>
          d.finishedAt.getTime() < opened &&
          opened - d.finishedAt.getTime() <= rules.incidentAttributionWindowMs,
      );
      const latest = candidates[candidates.length - 1];
      if (latest) {
        blamedByTime.set(latest, [
          ...(blamedByTime.get(latest) ?? []),
          incident,
        ]);
      }
    }

    deployments.forEach((d, index) => {
      const finished = d.finishedAt.getTime();
      if (finished < from.getTime() || finished >= to.getTime()) return;
      const shas = delivered[index];
      const deliveredChanges = shas.map(sha => {
        const change = changesByServiceSha.get(`${key}|${sha}`);
        const lead = change
          ? (finished - change.authoredAt.getTime()) / 1000
          : undefined;
        return {
          sha,
          change,
          leadTimeSeconds: lead !== undefined && lead > 0 ? lead : undefined,
        };
      });

      const failure: FailureReason[] = [];
      const causingIncidents: StoredIncident[] = [];
      for (const incident of incidents) {
        if (incident.causedByDeploymentId === d.id) {
          failure.push({
            rule: 'incident-names-deployment',
            incidentId: incident.id,
          });
          causingIncidents.push(incident);
        } else if (
          incident.causedBySha &&
          shas.includes(incident.causedBySha)
        ) {
          failure.push({
            rule: 'incident-names-delivered-sha',
            incidentId: incident.id,
            sha: incident.causedBySha,
          });
          causingIncidents.push(incident);
        }
      }
      const next = deployments[index + 1];
      if (next?.rollback) {
        failure.push({ rule: 'rolled-back', rollbackDeploymentId: next.id });
      }
      for (const incident of blamedByTime.get(d) ?? []) {
        failure.push({
          rule: 'incident-after-deployment',
          incidentId: incident.id,
        });
        causingIncidents.push(incident);
      }

      let recoverySeconds: number | null = null;
      if (failure.length > 0) {
        const ends: Array<number | null> = [];
        if (next?.rollback) ends.push(next.finishedAt.getTime());
        for (const incident of causingIncidents) {
          const resolvingDeployment = incident.resolvedByDeploymentId
            ? deploymentById.get(`${key}|${incident.resolvedByDeploymentId}`)
            : undefined;
          const candidates = [
            incident.resolvedAt?.getTime(),
            resolvingDeployment?.finishedAt.getTime(),
          ].filter((t): t is number => t !== undefined);
          ends.push(candidates.length ? Math.min(...candidates) : null);
        }
        recoverySeconds = ends.includes(null)
          ? null
          : (Math.max(...(ends as number[])) - finished) / 1000;
      }

      const resolvedIncidents = incidents.filter(
        i => i.resolvedByDeploymentId === d.id,
      );
      const reworkReasons = [
        ...(d.rollback ? ['rollback'] : []),
        ...(d.unplanned ? ['unplanned'] : []),
        ...new Set(
          deliveredChanges.flatMap(c =>
            (c.change?.labels ?? [])
              .filter(l => reworkLabels.has(l))
              .map(l => `label:${l}`),
          ),
        ),
        ...resolvedIncidents.map(i => `resolves:${i.id}`),
      ];

      analyses.push({
        deployment: d,
        delivered: deliveredChanges,
        failure,
        recoverySeconds,
        rework: reworkReasons.length > 0,
        reworkReasons,
        incidents: [
          ...[...new Set(causingIncidents)].map(incident => ({
            incident,
            relation: 'caused' as const,
          })),
          ...resolvedIncidents.map(incident => ({
            incident,
            relation: 'resolved' as const,
          })),
        ],
      });
    });
  }
  return analyses.sort((a, b) => byFinish(a.deployment, b.deployment));
}

/** The whole of time, for analyses that are cached and windowed later. */
export const ALL_TIME = {
  from: new Date(-8.64e15),
  to: new Date(8.64e15),
};

/** A deployment's analysis as the drill-down shows (and the store keeps) it. */
export function toDeploymentRow(a: DeploymentAnalysis): DoraDeploymentRow {
  return {
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
  };
}

/** The five DORA metrics of one scope, window and environment. */
export function computeMetrics(options: {
  facts: ScopeFacts;
  entityRef: string | null;
  environment: string;
  from: Date;
  to: Date;
  unattributedEvents: number;
  rules?: MetricRules;
}): DoraMetrics {
  return metricsFromDeployments({
    ...options,
    deployments: analyseDeployments(
      options.facts,
      options.from,
      options.to,
      options.rules,
    ).map(a => verdictOf(toDeploymentRow(a))),
  });
}

/**
 * What the five metrics need of a scope's analysed deployments in a window:
 * counts, deployments per day and the two duration distributions. The
 * store computes it in SQL for large scopes on PostgreSQL
 * (`DoraStore.deploymentSummary`); `summariseDeployments` is the same from
 * the verdicts, and a test holds the two equal.
 */
export type DeploymentSummary = {
  deployments: number;
  nonRollback: number;
  failedNonRollback: number;
  rework: number;
  /** Deployments per day index from `from` (days without any left out). */
  perDay: Map<number, number>;
  leadTime: DurationDistribution;
  recovery: DurationDistribution;
};

/** The summary of the verdicts finished in `[from, to)`. */
export function summariseDeployments(
  deployments: DeploymentVerdict[],
  from: Date,
  to: Date,
): DeploymentSummary {
  const analyses = deployments.filter(
    a => a.finishedAt >= from.getTime() && a.finishedAt < to.getTime(),
  );
  const nonRollback = analyses.filter(a => !a.rollback);
  return {
    deployments: analyses.length,
    nonRollback: nonRollback.length,
    failedNonRollback: nonRollback.filter(a => a.failed).length,
    rework: analyses.filter(a => a.rework).length,
    perDay: deploymentsPerDay(
      analyses.map(a => a.finishedAt),
      from,
    ),
    leadTime: distribution(analyses.flatMap(a => a.leadTimes)),
    recovery: distribution(
      analyses
        .filter(a => a.failed)
        .flatMap(a => (a.recoverySeconds !== null ? [a.recoverySeconds] : [])),
    ),
  };
}

/**
 * The five DORA metrics from analysed deployments (of any period; only those
 * finished in `[from, to)` count).
 */
export function metricsFromDeployments(options: {
  deployments: DeploymentVerdict[];
  entityRef: string | null;
  environment: string;
  from: Date;
  to: Date;
  unattributedEvents: number;
  /** Entities of the scope whose newest facts are not analysed yet. */
  analysisPending?: number;
}): DoraMetrics {
  return metricsFromSummary({
    ...options,
    summary: summariseDeployments(
      options.deployments,
      options.from,
      options.to,
    ),
  });
}

/** The five DORA metrics from a window's summary. */
export function metricsFromSummary(options: {
  summary: DeploymentSummary;
  entityRef: string | null;
  environment: string;
  from: Date;
  to: Date;
  unattributedEvents: number;
  analysisPending?: number;
}): DoraMetrics {
  const { from, to, summary } = options;
  const days = (to.getTime() - from.getTime()) / DAY;
  const deployments = summary.deployments;
  const bucket = bucketOf(summary.perDay, from, to);
  const leadTime = summary.leadTime;
  const failRate = summary.nonRollback
    ? summary.failedNonRollback / summary.nonRollback
    : null;
  const recovery = summary.recovery;
  const reworkRate = deployments ? summary.rework / deployments : null;

  return {
    entityRef: options.entityRef,
    environment: options.environment,
    from: from.toISOString(),
    to: to.toISOString(),
    deploymentFrequency: {
      deployments,
      perDay: days > 0 ? deployments / days : 0,
      bucket,
      benchmark: deploymentFrequencyBenchmark(
        bucket,
        days > 0 ? deployments / days : 0,
      ),
    },
    changeLeadTime: {
      ...leadTime,
      benchmark: changeLeadTimeBenchmark(leadTime.p50),
    },
    changeFailRate: {
      rate: failRate,
      failed: summary.failedNonRollback,
      deployments: summary.nonRollback,
      benchmark: changeFailRateBenchmark(failRate),
    },
    failedDeploymentRecoveryTime: {
      ...recovery,
      benchmark: recoveryTimeBenchmark(recovery.p50),
    },
    deploymentReworkRate: {
      rate: reworkRate,
      rework: summary.rework,
      deployments,
      benchmark: reworkRateBenchmark(reworkRate),
    },
    unattributedEvents: options.unattributedEvents,
    analysisPending: options.analysisPending ?? 0,
  };
}
