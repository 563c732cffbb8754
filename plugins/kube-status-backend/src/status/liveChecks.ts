/* eslint-disable @typescript-eslint/no-explicit-any -- pod template JSON, read defensively */
import { fromSelectorObject, matchesLabels } from '@paved/label-selectors';
import type { LiveCheck, WorkloadKind } from '@paved/plugin-kube-status-common';
import type { KubeObject } from '../cache/resources';

export const PRODUCTION = 'production';

export interface LiveCheckInput {
  kind: WorkloadKind;
  workload: KubeObject;
  environment?: string;
  desiredReplicas: number;
  hpa?: KubeObject;
  /** The PodDisruptionBudgets of the workload's namespace. */
  pdbs: KubeObject[];
  /** Why PDBs cannot be read (e.g. 403), when they cannot. */
  pdbsUnreadable?: string;
}

function containersOf(workload: KubeObject): any[] {
  return workload.spec?.template?.spec?.containers ?? [];
}

/** Whether an image names a tag other than `latest`, or a digest. */
export function isPinnedImage(image: string): boolean {
  if (image.includes('@')) return true;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0) return false;
  const tag = lastSegment.slice(colon + 1);
  return tag !== '' && tag !== 'latest';
}

/**
 * Golden-path checks on the live pod template. Rules:
 * - resources: every container requests cpu and memory and limits memory
 *   (a cpu limit is not required: it throttles more than it protects);
 * - probes: every container has a readiness and a liveness probe;
 * - non-root: runAsNonRoot true on the container, or on the pod and not
 *   overridden to false by the container;
 * - pinned-image: no image untagged or tagged `latest` (digests pass);
 * - replicas (production only): at least 2 replicas, or an HPA with
 *   minReplicas at least 2; not applicable to DaemonSets;
 * - disruption-budget (production only): a PodDisruptionBudget in the
 *   namespace selects the pod template's labels.
 */
export function liveChecks(input: LiveCheckInput): LiveCheck[] {
  const containers = containersOf(input.workload);
  const podSecurity = input.workload.spec?.template?.spec?.securityContext;
  const failing = (predicate: (c: any) => string | undefined) =>
    containers
      .map(c => {
        const missing = predicate(c);
        return missing ? `${c.name}: ${missing}` : undefined;
      })
      .filter((x): x is string => Boolean(x));

  const resources = failing(c => {
    const missing = [
      c.resources?.requests?.cpu ? undefined : 'cpu request',
      c.resources?.requests?.memory ? undefined : 'memory request',
      c.resources?.limits?.memory ? undefined : 'memory limit',
    ].filter(Boolean);
    return missing.length ? `no ${missing.join(', ')}` : undefined;
  });
  const probes = failing(c => {
    const missing = [
      c.readinessProbe ? undefined : 'readinessProbe',
      c.livenessProbe ? undefined : 'livenessProbe',
    ].filter(Boolean);
    return missing.length ? `no ${missing.join(', ')}` : undefined;
  });
  const rootContainers = failing(c => {
    const own = c.securityContext?.runAsNonRoot;
    const nonRoot = own ?? podSecurity?.runAsNonRoot;
    return nonRoot === true ? undefined : 'runAsNonRoot not true';
  });
  const unpinned = failing(c =>
    isPinnedImage(c.image ?? '') ? undefined : `image ${c.image} is not pinned`,
  );

  const check = (
    id: LiveCheck['id'],
    title: string,
    failures: string[],
    passDetail: string,
  ): LiveCheck =>
    failures.length
      ? { id, title, status: 'fail', detail: failures.join('; ') }
      : { id, title, status: 'pass', detail: passDetail };

  const checks: LiveCheck[] = [
    check(
      'resources',
      'Resource requests and limits',
      resources,
      'Every container requests cpu and memory and limits memory',
    ),
    check(
      'probes',
      'Readiness and liveness probes',
      probes,
      'Every container has a readiness and a liveness probe',
    ),
    check(
      'non-root',
      'Runs as non-root',
      rootContainers,
      'runAsNonRoot is true for every container',
    ),
    check(
      'pinned-image',
      'Pinned image tags',
      unpinned,
      'Every image has a version tag or digest',
    ),
  ];

  const production = input.environment === PRODUCTION;
  const notApplicable = (
    id: LiveCheck['id'],
    title: string,
    detail: string,
  ): LiveCheck => ({ id, title, status: 'not-applicable', detail });

  const replicasTitle = 'At least 2 replicas in production';
  if (!production) {
    checks.push(
      notApplicable('replicas', replicasTitle, 'Only required in production'),
    );
  } else if (input.kind === 'DaemonSet') {
    checks.push(
      notApplicable('replicas', replicasTitle, 'A DaemonSet runs one per node'),
    );
  } else {
    const minReplicas = input.hpa?.spec?.minReplicas ?? 1;
    const ok = input.desiredReplicas >= 2 || (input.hpa && minReplicas >= 2);
    checks.push({
      id: 'replicas',
      title: replicasTitle,
      status: ok ? 'pass' : 'fail',
      detail: input.hpa
        ? `${input.desiredReplicas} replicas, autoscaler minimum ${minReplicas}`
        : `${input.desiredReplicas} replica${
            input.desiredReplicas === 1 ? '' : 's'
          }`,
    });
  }

  const pdbTitle = 'PodDisruptionBudget in production';
  if (!production) {
    checks.push(
      notApplicable(
        'disruption-budget',
        pdbTitle,
        'Only required in production',
      ),
    );
  } else if (input.pdbsUnreadable) {
    checks.push(
      notApplicable(
        'disruption-budget',
        pdbTitle,
        `PodDisruptionBudgets cannot be read: ${input.pdbsUnreadable}`,
      ),
    );
  } else {
    const podLabels = input.workload.spec?.template?.metadata?.labels;
    const pdb = input.pdbs.find(p => {
      const selector = fromSelectorObject(p.spec?.selector);
      return selector !== undefined && matchesLabels(selector, podLabels);
    });
    checks.push({
      id: 'disruption-budget',
      title: pdbTitle,
      status: pdb ? 'pass' : 'fail',
      detail: pdb
        ? `PodDisruptionBudget ${pdb.metadata.name} selects the pods`
        : `No PodDisruptionBudget in namespace ${input.workload.metadata.namespace} selects the pods`,
    });
  }
  return checks;
}
