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
  };
  changeLeadTime: DurationDistribution;
  changeFailRate: { rate: number | null; failed: number; deployments: number };
  failedDeploymentRecoveryTime: DurationDistribution;
  deploymentReworkRate: {
    rate: number | null;
    rework: number;
    deployments: number;
  };
  unattributedEvents: number;
};
