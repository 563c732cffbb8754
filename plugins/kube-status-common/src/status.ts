/**
 * The read API of the kube-status backend:
 *   GET /api/kube-status/entity?entityRef=<component>  -> EntityKubeStatus
 *   GET /api/kube-status/team?entityRef=<group|system> -> TeamKubeStatus
 * Everything is served from the backend's watch cache, never fetched per
 * request from the clusters.
 */

/** The workload kinds Paved reports on. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/**
 * One word for how a workload is doing, worst first:
 * - failing: no ready replica while some are desired, or pods in a
 *   failure state (CrashLoopBackOff, ImagePullBackOff, OOMKilled, ...)
 * - degraded: fewer ready replicas than desired, or a stuck rollout
 * - progressing: a rollout is under way and within its deadline
 * - healthy: every desired replica ready and updated, nothing failing
 * - unknown: the cluster's cache is not synced or the type is forbidden
 */
export type WorkloadHealth =
  | 'failing'
  | 'degraded'
  | 'progressing'
  | 'healthy'
  | 'unknown';

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

/**
 * Rollout state of a workload:
 * - complete: every replica runs the current template
 * - progressing: a new revision is rolling out within its deadline
 * - stuck: the Deployment reports ProgressDeadlineExceeded
 * - paused: spec.paused
 */
export type RolloutState = 'complete' | 'progressing' | 'stuck' | 'paused';

/** Why a pod is failing, as Kubernetes names it. */
export type PodProblemReason =
  | 'CrashLoopBackOff'
  | 'ImagePullBackOff'
  | 'ErrImagePull'
  | 'OOMKilled'
  | 'Unschedulable'
  | 'CreateContainerConfigError'
  | 'Error'
  | string;

/** A pod that is not running as it should, with what to do about it. */
export interface PodProblem {
  pod: string;
  container?: string;
  reason: PodProblemReason;
  /** Kubernetes' own message (e.g. the scheduler's or the kubelet's). */
  message?: string;
  restarts: number;
  /** When the pod entered this state, ISO-8601, when known. */
  since?: string;
  /** One or two sentences a developer can act on. */
  suggestedFix: string;
}

/** The golden-path checks run on every live workload. */
export type LiveCheckId =
  | 'resources'
  | 'probes'
  | 'non-root'
  | 'pinned-image'
  | 'replicas'
  | 'disruption-budget';

export interface LiveCheck {
  id: LiveCheckId;
  title: string;
  /** not-applicable: e.g. replica and PDB checks outside production. */
  status: 'pass' | 'fail' | 'not-applicable';
  /** What was found, naming the container or the object. */
  detail: string;
}

/** One revision of a workload, from its ReplicaSets (newest first). */
export interface RolloutRevision {
  revision: number;
  /** The ReplicaSet's name. */
  name: string;
  images: string[];
  /** ISO-8601 creation time of the ReplicaSet. */
  created: string;
  replicas: number;
  readyReplicas: number;
  /** The revision the workload currently rolls towards. */
  current: boolean;
}

export interface WorkloadStatus {
  cluster: string;
  /** From the `paved.dev/environment` label of the workload or namespace. */
  environment?: string;
  namespace: string;
  kind: WorkloadKind;
  name: string;
  health: WorkloadHealth;
  /** One line saying why the health is what it is. */
  summary: string;
  replicas: {
    desired: number;
    ready: number;
    updated: number;
    available: number;
  };
  rollout: {
    state: RolloutState;
    /** e.g. the ProgressDeadlineExceeded condition's message. */
    message?: string;
    revision?: number;
  };
  /** Container restarts summed over the workload's pods. */
  restarts: number;
  /** The images of the workload's pod template. */
  images: string[];
  problems: PodProblem[];
  checks: LiveCheck[];
  /** Revisions, newest first; empty for kinds without ReplicaSets. */
  history: RolloutRevision[];
  autoscaler?: { minReplicas: number; maxReplicas: number; current: number };
}

/** How far a cluster's cache is trustworthy. */
export interface ClusterSyncStatus {
  cluster: string;
  /** synced: every resource type listed and watched. */
  state: 'synced' | 'syncing' | 'error';
  /** ISO-8601 time of the last successful list or watch event. */
  lastEventAt?: string;
  /** Resource types that cannot be read (e.g. 403), with the reason. */
  degraded: { resource: string; reason: string }[];
}

export interface EntityKubeStatus {
  entityRef: string;
  title?: string;
  /** The `backstage.io/kubernetes-id` (or label selector) it was matched by. */
  matchedBy: string;
  health: WorkloadHealth;
  workloads: WorkloadStatus[];
  clusters: ClusterSyncStatus[];
}

export interface TeamKubeStatus {
  /** The group or system. */
  entityRef: string;
  health: WorkloadHealth;
  /** Every component the group owns (directly or through sub-groups), or the system's components. */
  components: EntityKubeStatus[];
  clusters: ClusterSyncStatus[];
}
