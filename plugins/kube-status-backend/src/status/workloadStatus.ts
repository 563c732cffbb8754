/* eslint-disable @typescript-eslint/no-explicit-any -- workload JSON, read defensively */
import type {
  PodProblem,
  WorkloadHealth,
  WorkloadKind,
  WorkloadStatus,
} from '@paved/plugin-kube-status-common';
import type { KubeObject } from '../cache/resources';
import { liveChecks } from './liveChecks';
import { podProblems, podRestarts } from './podProblems';
import { revisionOf, rolloutHistory } from './rolloutHistory';

export const ENVIRONMENT_LABEL = 'paved.dev/environment';

/** Everything the cache knows that bears on one workload. */
export interface WorkloadInput {
  cluster: string;
  kind: WorkloadKind;
  workload: KubeObject;
  /** Pods selected by the workload's selector, in its namespace. */
  pods: KubeObject[];
  podsUnreadable?: string;
  /** ReplicaSets of the namespace (only the Deployment's own are used). */
  replicaSets: KubeObject[];
  hpa?: KubeObject;
  pdbs: KubeObject[];
  pdbsUnreadable?: string;
  /** Warning events of the namespace. */
  warningEvents: KubeObject[];
  namespaceLabels?: Record<string, string>;
}

type Replicas = WorkloadStatus['replicas'];
type Rollout = WorkloadStatus['rollout'];

function replicasOf(kind: WorkloadKind, w: KubeObject): Replicas {
  const s = w.status ?? {};
  if (kind === 'DaemonSet') {
    return {
      desired: s.desiredNumberScheduled ?? 0,
      ready: s.numberReady ?? 0,
      updated: s.updatedNumberScheduled ?? 0,
      available: s.numberAvailable ?? 0,
    };
  }
  return {
    desired: w.spec?.replicas ?? 1,
    ready: s.readyReplicas ?? 0,
    updated: s.updatedReplicas ?? 0,
    available: s.availableReplicas ?? 0,
  };
}

function rolloutOf(kind: WorkloadKind, w: KubeObject, r: Replicas): Rollout {
  const s = w.status ?? {};
  const revision = kind === 'Deployment' ? revisionOf(w) : undefined;
  const withRevision = revision === undefined ? {} : { revision };
  if (w.spec?.paused) return { state: 'paused', ...withRevision };
  const progressing = (s.conditions ?? []).find(
    (c: any) => c.type === 'Progressing',
  );
  if (
    progressing?.status === 'False' &&
    progressing.reason === 'ProgressDeadlineExceeded'
  ) {
    return {
      state: 'stuck',
      ...(progressing.message ? { message: progressing.message } : {}),
      ...withRevision,
    };
  }
  const generationSeen =
    s.observedGeneration === undefined ||
    w.metadata.generation === undefined ||
    s.observedGeneration >= w.metadata.generation;
  const oldPodsLeft =
    kind === 'Deployment' && (s.replicas ?? 0) > (s.updatedReplicas ?? 0);
  const statefulSetBehind =
    kind === 'StatefulSet' &&
    s.updateRevision !== undefined &&
    s.currentRevision !== s.updateRevision;
  if (
    !generationSeen ||
    r.updated < r.desired ||
    oldPodsLeft ||
    statefulSetBehind
  ) {
    return { state: 'progressing', ...withRevision };
  }
  // As `kubectl rollout status`: a rollout is complete once its updated
  // replicas are available, not when they are merely created (a
  // crash-looping release is not "complete" at 0/2 ready).
  if (r.available < r.desired) {
    return {
      state: 'progressing',
      message: `${r.available} of ${r.desired} updated replicas are available`,
      ...withRevision,
    };
  }
  return { state: 'complete', ...withRevision };
}

function describeProblems(problems: PodProblem[]): string {
  const pods = new Map<string, Set<string>>();
  for (const p of problems) {
    if (!pods.has(p.reason)) pods.set(p.reason, new Set());
    pods.get(p.reason)!.add(p.pod);
  }
  return [...pods]
    .map(
      ([reason, set]) =>
        `${set.size} pod${set.size === 1 ? '' : 's'} ${reason}`,
    )
    .join(', ');
}

function classify(
  r: Replicas,
  rollout: Rollout,
  problems: PodProblem[],
  podsUnreadable: string | undefined,
): { health: WorkloadHealth; summary: string } {
  const ready = `${r.ready}/${r.desired} ready`;
  if (podsUnreadable) {
    return {
      health: 'unknown',
      summary: `${ready}; pods cannot be read (${podsUnreadable})`,
    };
  }
  const stuck =
    rollout.state === 'stuck'
      ? `rollout of revision ${
          rollout.revision ?? '?'
        } stuck (ProgressDeadlineExceeded)`
      : undefined;
  if (r.desired > 0 && r.ready === 0) {
    return {
      health: 'failing',
      summary: [
        `No ready replica of ${r.desired}`,
        stuck,
        describeProblems(problems),
      ]
        .filter(Boolean)
        .join('; '),
    };
  }
  if (problems.length) {
    return {
      health: 'failing',
      summary: [describeProblems(problems), stuck, ready]
        .filter(Boolean)
        .join('; '),
    };
  }
  if (stuck) return { health: 'degraded', summary: `${stuck}; ${ready}` };
  if (r.ready < r.desired) return { health: 'degraded', summary: ready };
  if (rollout.state === 'progressing') {
    return {
      health: 'progressing',
      summary: `Rolling out${
        rollout.revision ? ` revision ${rollout.revision}` : ''
      }: ${r.updated}/${r.desired} updated, ${ready}`,
    };
  }
  if (r.desired === 0) return { health: 'healthy', summary: 'Scaled to zero' };
  return {
    health: 'healthy',
    summary: `${ready}${rollout.state === 'paused' ? ', rollout paused' : ''}${
      rollout.revision ? `, revision ${rollout.revision}` : ''
    }`,
  };
}

/** The status of one workload, from the cached objects around it. */
export function workloadStatus(input: WorkloadInput): WorkloadStatus {
  const { kind, workload } = input;
  const replicas = replicasOf(kind, workload);
  const rollout = rolloutOf(kind, workload, replicas);
  const problems = input.pods.flatMap(p => podProblems(p, input.warningEvents));
  const { health, summary } = classify(
    replicas,
    rollout,
    problems,
    input.podsUnreadable,
  );
  const environment =
    workload.metadata.labels?.[ENVIRONMENT_LABEL] ??
    input.namespaceLabels?.[ENVIRONMENT_LABEL];
  const containers: any[] = workload.spec?.template?.spec?.containers ?? [];
  const hpa = input.hpa;
  return {
    cluster: input.cluster,
    ...(environment ? { environment } : {}),
    namespace: workload.metadata.namespace ?? 'default',
    kind,
    name: workload.metadata.name,
    health,
    summary,
    replicas,
    rollout,
    restarts: input.pods.reduce((sum, p) => sum + podRestarts(p), 0),
    images: containers.map(c => c.image),
    problems,
    checks: liveChecks({
      kind,
      workload,
      environment,
      desiredReplicas: replicas.desired,
      hpa,
      pdbs: input.pdbs,
      pdbsUnreadable: input.pdbsUnreadable,
    }),
    history:
      kind === 'Deployment' ? rolloutHistory(workload, input.replicaSets) : [],
    ...(hpa
      ? {
          autoscaler: {
            minReplicas: hpa.spec?.minReplicas ?? 1,
            maxReplicas: hpa.spec?.maxReplicas ?? 0,
            current: hpa.status?.currentReplicas ?? 0,
          },
        }
      : {}),
  };
}
