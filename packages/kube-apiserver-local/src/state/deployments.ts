import { Condition, KubeObject, kubeTime } from '../kubeObject';
import {
  Workload,
  podTemplate,
  workloadLabels,
  workloadSelector,
} from './workload';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** A workload's Deployment at its current revision, without status. */
export function deploymentObject(
  workload: Workload,
  tag: string,
  created: number,
): KubeObject {
  const spec = workload.spec;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: spec.id,
      namespace: workload.namespace,
      generation: spec.versions.length,
      creationTimestamp: kubeTime(created),
      labels: workloadLabels(workload),
      annotations: { [REVISION_ANNOTATION]: String(workload.revision) },
    },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: workloadSelector(workload) },
      template: podTemplate(workload, tag),
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  };
}

function availableCondition(available: boolean) {
  return available
    ? {
        status: 'True' as const,
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
      }
    : {
        status: 'False' as const,
        reason: 'MinimumReplicasUnavailable',
        message: 'Deployment does not have minimum availability.',
      };
}

function progressingCondition(progressing: boolean, newReplicaSet: string) {
  return progressing
    ? {
        status: 'True' as const,
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${newReplicaSet}" has successfully progressed.`,
      }
    : {
        status: 'False' as const,
        reason: 'ProgressDeadlineExceeded',
        message: `ReplicaSet "${newReplicaSet}" has timed out progressing.`,
      };
}

/** A Deployment's `Available` and `Progressing` conditions, both set `at`. */
export function deploymentConditions(
  available: boolean,
  progressing: boolean,
  newReplicaSet: string,
  at: number,
): Condition[] {
  const t = kubeTime(at);
  const since = { lastUpdateTime: t, lastTransitionTime: t };
  const { status: availableStatus, ...availableWhy } =
    availableCondition(available);
  const { status: progressingStatus, ...progressingWhy } = progressingCondition(
    progressing,
    newReplicaSet,
  );
  return [
    { type: 'Available', status: availableStatus, ...since, ...availableWhy },
    {
      type: 'Progressing',
      status: progressingStatus,
      ...since,
      ...progressingWhy,
    },
  ];
}

/** The pods of a Deployment's ReplicaSets, counted for its status. */
export interface ReplicaCounts {
  replicas: number;
  ready: number;
  /** Pods of the current revision's ReplicaSet. */
  updated: number;
}

/**
 * The status the deployment controller writes: the counts, and the
 * `Available` condition flipped when too few pods are ready (more than the
 * 25% maxUnavailable missing).
 */
export function deploymentStatus(
  deployment: KubeObject,
  counts: ReplicaCounts,
  now: number,
) {
  const conditions: Condition[] = deployment.status.conditions ?? [];
  const desired: number = deployment.spec.replicas;
  const available = counts.ready >= desired - Math.floor(desired * 0.25);
  for (const c of conditions) {
    if (c.type === 'Available') updateCondition(c, available, now);
  }
  return {
    observedGeneration: deployment.metadata.generation,
    replicas: counts.replicas,
    updatedReplicas: counts.updated,
    readyReplicas: counts.ready,
    availableReplicas: counts.ready,
    ...(counts.replicas - counts.ready > 0
      ? { unavailableReplicas: counts.replicas - counts.ready }
      : {}),
    conditions,
  };
}

/** Sets the `Available` condition; the times move only when its status does. */
function updateCondition(
  condition: Condition,
  available: boolean,
  now: number,
) {
  const { status, reason, message } = availableCondition(available);
  if (condition.status !== status) {
    condition.status = status;
    condition.lastTransitionTime = kubeTime(now);
    condition.lastUpdateTime = kubeTime(now);
  }
  condition.reason = reason;
  condition.message = message;
}
