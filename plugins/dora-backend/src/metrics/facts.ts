import type { DoraDeploymentRow } from '@paved/plugin-dora-common';

// The facts the metric rules read: what the store gives them, whatever
// database it keeps them in.

/** A stored deployment, as the metric rules see it. */
export type StoredDeployment = {
  source: string;
  id: string;
  service: string;
  entityRef: string | null;
  environment: string;
  status: 'success' | 'failure';
  startedAt: Date;
  finishedAt: Date;
  commitSha: string;
  commits: string[];
  rollback: boolean;
  unplanned: boolean;
};

export type StoredChange = {
  source: string;
  id: string;
  service: string;
  entityRef: string | null;
  sha: string;
  authoredAt: Date;
  prNumber: number | null;
  labels: string[];
};

export type StoredIncident = {
  source: string;
  id: string;
  service: string;
  entityRef: string | null;
  environment: string;
  openedAt: Date;
  resolvedAt: Date | null;
  causedByDeploymentId: string | null;
  causedBySha: string | null;
  resolvedByDeploymentId: string | null;
};

/** Everything the metric rules need for one set of catalog entities. */
export type ScopeFacts = {
  deployments: StoredDeployment[];
  changes: StoredChange[];
  incidents: StoredIncident[];
};

/** The part of a deployment's analysis the metrics aggregate. */
export type DeploymentVerdict = {
  entityRef: string | null;
  /** Epoch milliseconds. */
  finishedAt: number;
  rollback: boolean;
  failed: boolean;
  recoverySeconds: number | null;
  rework: boolean;
  /** Lead times of the changes it delivered, in seconds. */
  leadTimes: number[];
};

/** The verdict the metrics need from a drill-down row. */
export function verdictOf(row: DoraDeploymentRow): DeploymentVerdict {
  return {
    entityRef: row.entityRef,
    finishedAt: Date.parse(row.finishedAt),
    rollback: row.rollback,
    failed: row.failed,
    recoverySeconds: row.recoverySeconds,
    rework: row.rework,
    leadTimes: leadTimesOf(row),
  };
}

/** Lead times, in seconds, of the changes a deployment delivered. */
export function leadTimesOf(row: DoraDeploymentRow): number[] {
  return row.delivered.flatMap(d =>
    d.leadTimeSeconds !== undefined ? [d.leadTimeSeconds] : [],
  );
}
