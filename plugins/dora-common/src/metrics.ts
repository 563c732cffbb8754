import type { DoraMetricName } from './schema/openapi/generated';

/**
 * The responses of the DORA read API. Their types are the models generated
 * from the OpenAPI document (`plugins/dora-backend/src/schema/openapi.yaml`),
 * the one description of this JSON; durations are in seconds, rates 0..1.
 */
export type {
  DeploymentFrequencyBucket,
  DoraBreakdown,
  DoraDeploymentFilter,
  DoraDeploymentPage,
  DoraDeploymentRow,
  DoraMetricName,
  DoraMetrics,
  DoraSeries,
  DoraSeriesInterval,
  DurationDistribution,
  FailureReason,
} from './schema/openapi/generated';

/**
 * The five metrics, by the names the series and breakdown APIs use, in
 * the order the portal shows them; exactly the spec's `DoraMetricName`.
 */
export const doraMetricNames = [
  'deploymentFrequency',
  'changeLeadTime',
  'changeFailRate',
  'failedDeploymentRecoveryTime',
  'deploymentReworkRate',
] as const satisfies readonly DoraMetricName[];
