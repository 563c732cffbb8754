/**
 * The read API of the kube-status backend:
 *   GET /api/kube-status/entity?entityRef=<component>  -> EntityKubeStatus
 *   GET /api/kube-status/team?entityRef=<group|system> -> TeamKubeStatus
 *   GET /api/kube-status/components?environment=<env>  -> ComponentsLiveChecks
 * Everything is served from the backend's watch cache, never fetched per
 * request from the clusters.
 *
 * The types are the models generated from the backend's OpenAPI document
 * (plugins/kube-status-backend/src/schema/openapi.yaml), so the JSON the
 * backend writes and the types its callers read have one definition.
 */
import type { WorkloadHealth } from './schema/openapi/generated/models';

export type {
  ClusterSyncStatus,
  ComponentLiveChecks,
  ComponentsLiveChecks,
  EntityKubeStatus,
  FailingLiveCheck,
  LiveCheck,
  LiveCheckId,
  PodProblem,
  PodProblemReason,
  RolloutRevision,
  RolloutState,
  TeamKubeStatus,
  WorkloadHealth,
  WorkloadKind,
  WorkloadLiveChecks,
  WorkloadStatus,
} from './schema/openapi/generated/models';

/** Health values from worst to best, for sorting and for rolling up. */
export const WORKLOAD_HEALTH_ORDER: WorkloadHealth[] = [
  'failing',
  'degraded',
  'unknown',
  'progressing',
  'healthy',
];

/** The worst of several health values ('healthy' for none). */
export function worstHealth(values: WorkloadHealth[]): WorkloadHealth {
  let worst = WORKLOAD_HEALTH_ORDER.length - 1;
  for (const v of values) {
    worst = Math.min(worst, WORKLOAD_HEALTH_ORDER.indexOf(v));
  }
  return WORKLOAD_HEALTH_ORDER[worst];
}
