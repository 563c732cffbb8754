import type { DoraBenchmark } from './benchmarks';

/** Distribution of a duration, in seconds; `null` values when n = 0. */
export type DurationDistribution = {
  p50: number | null;
  p75: number | null;
  p90: number | null;
  n: number;
};

/** The DORA survey's deployment frequency buckets. */
export type DeploymentFrequencyBucket =
  | 'on-demand'
  | 'daily'
  | 'weekly'
  | 'monthly'
  | 'less-than-monthly';

/** Why a deployment counts as failed (the rule that said so). */
export type FailureReason =
  | { rule: 'incident-names-deployment'; incidentId: string }
  | { rule: 'incident-names-delivered-sha'; incidentId: string; sha: string }
  | { rule: 'rolled-back'; rollbackDeploymentId: string }
  | { rule: 'incident-after-deployment'; incidentId: string };

/** Response of `GET /api/dora/metrics`. Durations in seconds, rates 0..1. */
export type DoraMetrics = {
  entityRef: string | null;
  environment: string;
  from: string;
  to: string;
  deploymentFrequency: {
    deployments: number;
    perDay: number;
    bucket: DeploymentFrequencyBucket | null;
    benchmark: DoraBenchmark;
  };
  changeLeadTime: DurationDistribution & { benchmark: DoraBenchmark };
  changeFailRate: {
    rate: number | null;
    failed: number;
    deployments: number;
    benchmark: DoraBenchmark;
  };
  failedDeploymentRecoveryTime: DurationDistribution & {
    benchmark: DoraBenchmark;
  };
  deploymentReworkRate: {
    rate: number | null;
    rework: number;
    deployments: number;
    benchmark: DoraBenchmark;
  };
  unattributedEvents: number;
};

/** The five metrics, by the names the series and breakdown APIs use. */
export const doraMetricNames = [
  'deploymentFrequency',
  'changeLeadTime',
  'changeFailRate',
  'failedDeploymentRecoveryTime',
  'deploymentReworkRate',
] as const;
export type DoraMetricName = (typeof doraMetricNames)[number];
export type DoraSeriesInterval = 'day' | 'week' | 'month';

/**
 * Response of `GET /api/dora/series`: one metric's headline value per
 * interval (deployments; median seconds; rate), `null` where n = 0.
 */
export type DoraSeries = {
  entityRef: string | null;
  environment: string;
  metric: DoraMetricName;
  interval: DoraSeriesInterval;
  points: Array<{
    start: string;
    end: string;
    value: number | null;
    n: number;
  }>;
};

/** One row of the drill-down: a deployment and what the metrics say about it. */
export type DoraDeploymentRow = {
  id: string;
  source: string;
  service: string;
  entityRef: string | null;
  environment: string;
  startedAt: string;
  finishedAt: string;
  commitSha: string;
  rollback: boolean;
  unplanned: boolean;
  delivered: Array<{
    sha: string;
    changeId?: string;
    authoredAt?: string;
    labels?: string[];
    leadTimeSeconds?: number;
  }>;
  failed: boolean;
  failure: FailureReason[];
  /** Incidents attributed to this deployment or resolved by it. */
  incidents: Array<{
    id: string;
    openedAt: string;
    resolvedAt: string | null;
    relation: 'caused' | 'resolved';
  }>;
  recoverySeconds: number | null;
  rework: boolean;
  /** Why it is rework, when it is. */
  reworkReasons: string[];
};

/** Response of `GET /api/dora/deployments`. */
export type DoraDeploymentPage = {
  items: DoraDeploymentRow[];
  totalItems: number;
  nextCursor?: string;
};

/** Which deployments the drill-down lists. */
export type DoraDeploymentFilter = 'all' | 'failed' | 'rework' | 'with-changes';

/** Response of `GET /api/dora/breakdown`: the metrics of each component in a scope. */
export type DoraBreakdown = {
  entityRef: string | null;
  environment: string;
  from: string;
  to: string;
  services: Array<{ entityRef: string; metrics: DoraMetrics }>;
};
