/* eslint-disable @typescript-eslint/no-explicit-any -- pod status JSON, read defensively */
import type { PodProblem } from '@paved/plugin-kube-status-common';
import type { KubeObject } from '../cache/resources';

/** Waiting reasons that mean the container cannot run as deployed. */
const FAILING_WAITING_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

interface FixContext {
  pod: KubeObject;
  container?: any;
  exitCode?: number;
}

/** What a developer can do about each reason, naming the objects involved. */
export function suggestedFix(reason: string, ctx: FixContext): string {
  const pod = ctx.pod.metadata.name;
  const namespace = ctx.pod.metadata.namespace ?? 'default';
  const name = ctx.container?.name;
  switch (reason) {
    case 'CrashLoopBackOff':
      return `Container ${name} keeps exiting after it starts. Read the log of its last run (kubectl logs -n ${namespace} ${pod} -c ${name} --previous), fix the error it reports (often missing config or an unreachable dependency) and roll out again.`;
    case 'ImagePullBackOff':
    case 'ErrImagePull':
    case 'InvalidImageName':
      return `The image ${
        ctx.container?.image ?? ''
      } cannot be pulled. Check that this tag exists in the registry and that the pod's imagePullSecrets grant access to it, then fix the image in the workload and roll out again.`;
    case 'OOMKilled': {
      const limit = ctx.container?.resources?.limits?.memory;
      return `Container ${name} used more memory than its limit${
        limit ? ` (${limit})` : ''
      } and was killed. Raise resources.limits.memory (and requests.memory to match), or lower the app's memory use (e.g. its heap size).`;
    }
    case 'Unschedulable':
      return `No node can take pod ${pod}. Lower its resource requests, relax its nodeSelector, affinity or tolerations, or ask the platform team for capacity; the scheduler's message says which constraint failed.`;
    case 'CreateContainerConfigError':
      return `Container ${name} refers to configuration that does not exist, usually a Secret or ConfigMap (or a key in one) used in env, envFrom or volumes. Create it in namespace ${namespace} or fix the reference.`;
    case 'CreateContainerError':
    case 'RunContainerError':
      return `The runtime could not start container ${name}. Check its command, volume mounts and securityContext (kubectl describe pod -n ${namespace} ${pod}).`;
    case 'Error':
      return `Container ${name} exited with code ${
        ctx.exitCode ?? 'non-zero'
      }. Read its log (kubectl logs -n ${namespace} ${pod} -c ${name}) for the error.`;
    case 'Evicted':
      return `The node evicted pod ${pod}, usually for lack of memory or disk. Set requests that match the real usage so the scheduler places it where it fits.`;
    default:
      return `Describe the pod for details: kubectl describe pod -n ${namespace} ${pod}.`;
  }
}

/** The newest Warning event about a pod with one of the given reasons. */
function latestWarning(
  events: KubeObject[],
  pod: KubeObject,
  reasons: string[],
): KubeObject | undefined {
  return events
    .filter(
      e =>
        e.involvedObject?.kind === 'Pod' &&
        e.involvedObject?.name === pod.metadata.name &&
        reasons.includes(e.reason),
    )
    .sort((a, b) =>
      String(b.lastTimestamp ?? b.eventTime ?? '').localeCompare(
        String(a.lastTimestamp ?? a.eventTime ?? ''),
      ),
    )[0];
}

/**
 * The problems of one pod: per container, an OOM kill (current or last
 * termination), a failing waiting reason, or a failed exit; per pod, being
 * unschedulable or evicted. `events` are the namespace's Warning events,
 * used for a more telling message where the container status has a generic
 * one (e.g. "Back-off pulling image" vs. "manifest not found").
 */
export function podProblems(
  pod: KubeObject,
  events: KubeObject[],
): PodProblem[] {
  const problems: PodProblem[] = [];
  const status = pod.status ?? {};
  const specContainers: any[] = [
    ...(pod.spec?.initContainers ?? []),
    ...(pod.spec?.containers ?? []),
  ];
  const statuses: any[] = [
    ...(status.initContainerStatuses ?? []),
    ...(status.containerStatuses ?? []),
  ];
  for (const cs of statuses) {
    const container = specContainers.find(c => c.name === cs.name) ?? {
      name: cs.name,
      image: cs.image,
    };
    const waiting = cs.state?.waiting;
    const terminated = cs.state?.terminated;
    const lastTerminated = cs.lastState?.terminated;
    const restarts = cs.restartCount ?? 0;
    const add = (
      reason: string,
      message: string | undefined,
      since: string | undefined,
      exitCode?: number,
    ) =>
      problems.push({
        pod: pod.metadata.name,
        container: cs.name,
        reason,
        ...(message ? { message } : {}),
        restarts,
        ...(since ? { since } : {}),
        suggestedFix: suggestedFix(reason, { pod, container, exitCode }),
      });

    if (
      terminated?.reason === 'OOMKilled' ||
      lastTerminated?.reason === 'OOMKilled'
    ) {
      const t =
        terminated?.reason === 'OOMKilled' ? terminated : lastTerminated;
      add(
        'OOMKilled',
        `exit code ${t.exitCode ?? 137}`,
        t.finishedAt,
        t.exitCode,
      );
    } else if (waiting && FAILING_WAITING_REASONS.has(waiting.reason)) {
      let message = waiting.message;
      if (['ImagePullBackOff', 'ErrImagePull'].includes(waiting.reason)) {
        message = latestWarning(events, pod, ['Failed'])?.message ?? message;
      }
      add(
        waiting.reason,
        message,
        lastTerminated?.finishedAt ?? pod.metadata.creationTimestamp,
      );
    } else if (terminated && terminated.exitCode && terminated.exitCode !== 0) {
      add(
        terminated.reason ?? 'Error',
        terminated.message,
        terminated.finishedAt,
        terminated.exitCode,
      );
    }
  }

  const scheduled = (status.conditions ?? []).find(
    (c: any) => c.type === 'PodScheduled',
  );
  if (
    status.phase === 'Pending' &&
    scheduled?.status === 'False' &&
    scheduled.reason === 'Unschedulable'
  ) {
    problems.push({
      pod: pod.metadata.name,
      reason: 'Unschedulable',
      ...(scheduled.message ? { message: scheduled.message } : {}),
      restarts: 0,
      ...(scheduled.lastTransitionTime
        ? { since: scheduled.lastTransitionTime }
        : {}),
      suggestedFix: suggestedFix('Unschedulable', { pod }),
    });
  } else if (status.phase === 'Failed' && status.reason) {
    problems.push({
      pod: pod.metadata.name,
      reason: status.reason,
      ...(status.message ? { message: status.message } : {}),
      restarts: 0,
      suggestedFix: suggestedFix(status.reason, { pod }),
    });
  }
  return problems;
}

/** Container restarts of a pod. */
export function podRestarts(pod: KubeObject): number {
  return [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ].reduce((sum: number, cs: any) => sum + (cs.restartCount ?? 0), 0);
}
