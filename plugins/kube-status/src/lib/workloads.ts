import { parseEntityRef } from '@backstage/catalog-model';
import {
  WORKLOAD_HEALTH_ORDER,
  worstHealth,
  type ClusterSyncStatus,
  type EntityKubeStatus,
  type PodProblem,
  type TeamKubeStatus,
  type WorkloadHealth,
  type WorkloadStatus,
} from '@paved/plugin-kube-status-common';
import { plural } from '@paved/portal-ui';
import {
  compareEnvironments,
  environmentOf,
  healthLabels,
  imageVersion,
} from './format';

/** One line of a team's Workloads table: a workload of one of its components. */
export type WorkloadRow = {
  id: string;
  componentRef: string;
  componentTitle: string;
  environment: string;
  workload: WorkloadStatus;
};

const rank = (health: WorkloadHealth) => WORKLOAD_HEALTH_ORDER.indexOf(health);

export function componentTitle(component: EntityKubeStatus): string {
  return component.title || parseEntityRef(component.entityRef).name;
}

/** Identifies a workload across refreshes (React keys, open details). */
export function workloadKey(workload: WorkloadStatus): string {
  const { cluster, namespace, kind, name } = workload;
  return `${cluster}/${namespace}/${kind}/${name}`;
}

/** Worst first; ties by component, then environment, then cluster. */
function compareRows(a: WorkloadRow, b: WorkloadRow): number {
  return (
    rank(a.workload.health) - rank(b.workload.health) ||
    a.componentTitle.localeCompare(b.componentTitle) ||
    compareEnvironments(a.environment, b.environment) ||
    a.workload.cluster.localeCompare(b.workload.cluster) ||
    a.workload.name.localeCompare(b.workload.name)
  );
}

/** Every workload of the team's components, worst health first. */
export function teamRows(
  status: TeamKubeStatus,
  environment?: string,
): WorkloadRow[] {
  const rows = status.components.flatMap(component =>
    component.workloads.map(workload => ({
      id: `${component.entityRef}|${workloadKey(workload)}`,
      componentRef: component.entityRef,
      componentTitle: componentTitle(component),
      environment: environmentOf(workload),
      workload,
    })),
  );
  return rows
    .filter(row => !environment || row.environment === environment)
    .sort(compareRows);
}

/** The environments the workloads run in, production first. */
export function environmentsOf(workloads: WorkloadStatus[]): string[] {
  return [...new Set(workloads.map(environmentOf))].sort(compareEnvironments);
}

/**
 * "7 services · 1 failing · 1 degraded · 5 healthy": each service counted
 * once, at the worst health of its workloads in the environment shown.
 */
export function teamSummary(
  components: EntityKubeStatus[],
  environment?: string,
): string {
  const counts = new Map<WorkloadHealth, number>();
  let withoutWorkloads = 0;
  for (const component of components) {
    const health = component.workloads
      .filter(w => !environment || environmentOf(w) === environment)
      .map(w => w.health);
    if (health.length === 0) {
      withoutWorkloads += 1;
    } else {
      const worst = worstHealth(health);
      counts.set(worst, (counts.get(worst) ?? 0) + 1);
    }
  }
  const parts = [plural(components.length, 'service')];
  for (const health of WORKLOAD_HEALTH_ORDER) {
    const count = counts.get(health);
    if (count) parts.push(`${count} ${healthLabels[health].toLowerCase()}`);
  }
  if (withoutWorkloads > 0) {
    parts.push(
      `${withoutWorkloads} with no workload${
        environment ? ` in ${environment}` : ''
      }`,
    );
  }
  return parts.join(' · ');
}

/** Pod problems of one kind, so ten crash-looping pods read as one line. */
export type ProblemGroup = {
  reason: string;
  pods: string[];
  restarts: number;
  message?: string;
  suggestedFix: string;
};

export function groupProblems(problems: PodProblem[]): ProblemGroup[] {
  const groups = new Map<string, ProblemGroup>();
  for (const problem of problems) {
    const pod = problem.container
      ? `${problem.pod} (${problem.container})`
      : problem.pod;
    const group = groups.get(problem.reason);
    if (group) {
      group.pods.push(pod);
      group.restarts += problem.restarts;
    } else {
      groups.set(problem.reason, {
        reason: problem.reason,
        pods: [pod],
        restarts: problem.restarts,
        message: problem.message,
        suggestedFix: problem.suggestedFix,
      });
    }
  }
  return [...groups.values()];
}

/** A component's workloads in one environment, rolled up for the card. */
export type EnvironmentStatus = {
  environment: string;
  health: WorkloadHealth;
  ready: number;
  desired: number;
  versions: string[];
  /** The first problem's reason, e.g. "CrashLoopBackOff", or a stuck rollout. */
  problem?: string;
};

export function environmentStatuses(
  workloads: WorkloadStatus[],
): EnvironmentStatus[] {
  return environmentsOf(workloads).map(environment => {
    const inEnvironment = workloads.filter(
      w => environmentOf(w) === environment,
    );
    const problems = inEnvironment.flatMap(w => w.problems);
    const stuck = inEnvironment.find(w => w.rollout.state === 'stuck');
    let problem: string | undefined;
    if (problems.length > 0) {
      problem = [...new Set(problems.map(p => p.reason))].join(', ');
    } else if (stuck) {
      problem = 'Rollout stuck';
    }
    return {
      environment,
      health: worstHealth(inEnvironment.map(w => w.health)),
      ready: inEnvironment.reduce((n, w) => n + w.replicas.ready, 0),
      desired: inEnvironment.reduce((n, w) => n + w.replicas.desired, 0),
      versions: [
        ...new Set(inEnvironment.flatMap(w => w.images.map(imageVersion))),
      ],
      problem,
    };
  });
}

/** A cluster whose cached data may be stale or incomplete, and why. */
export type ClusterWarning = { cluster: string; text: string };

export function clusterWarnings(
  clusters: ClusterSyncStatus[],
  describeTime: (iso: string) => string,
): ClusterWarning[] {
  const warnings: ClusterWarning[] = [];
  for (const cluster of clusters) {
    if (cluster.state === 'error') {
      const since = cluster.lastEventAt
        ? `; last update ${describeTime(cluster.lastEventAt)}`
        : '';
      warnings.push({
        cluster: cluster.cluster,
        text: `cannot be reached${since}. Its workloads may be out of date.`,
      });
    } else if (cluster.state === 'syncing') {
      warnings.push({
        cluster: cluster.cluster,
        text: 'is still being read. Its workloads may be missing or incomplete.',
      });
    }
    for (const degraded of cluster.degraded) {
      warnings.push({
        cluster: cluster.cluster,
        text: `cannot read ${degraded.resource} (${degraded.reason}). What depends on them may be missing or out of date.`,
      });
    }
  }
  return warnings;
}
