import {
  deliveredShas,
  successfulByFinish,
  type MetricRules,
} from './computeMetrics';
import type { StoredDeployment, StoredIncident } from './facts';

/**
 * One entity's deployments and incidents: what decides which of its
 * verdicts a change of facts can reach.
 */
export type HistoryOutline = {
  deployments: StoredDeployment[];
  incidents: StoredIncident[];
};

/** One environment's successful deployments and the shas each delivers. */
type Deliveries = {
  successful: StoredDeployment[];
  delivered: string[][];
  incidents: StoredIncident[];
};

function byEnvironment(history: HistoryOutline): Deliveries[] {
  const environments = new Set(history.deployments.map(d => d.environment));
  return [...environments].map(environment => {
    const successful = successfulByFinish(
      history.deployments.filter(d => d.environment === environment),
    );
    return {
      successful,
      delivered: deliveredShas(successful),
      incidents: history.incidents.filter(i => i.environment === environment),
    };
  });
}

/**
 * The successful deployments an incident is blamed on, by the metric
 * rules: the one it names, the one that delivered the sha it names, or,
 * naming neither, the latest finished within the attribution window before
 * it opened.
 */
function causesOf(
  incident: StoredIncident,
  { successful, delivered }: Deliveries,
  rules: MetricRules,
): StoredDeployment[] {
  if (incident.causedByDeploymentId || incident.causedBySha) {
    return successful.filter(
      (d, index) =>
        incident.causedByDeploymentId === d.id ||
        (incident.causedBySha !== null &&
          delivered[index].includes(incident.causedBySha)),
    );
  }
  const opened = incident.openedAt.getTime();
  const candidates = successful.filter(
    d =>
      d.finishedAt.getTime() < opened &&
      opened - d.finishedAt.getTime() <= rules.incidentAttributionWindowMs,
  );
  return candidates.slice(-1);
}

/**
 * From when an entity's analysed deployments must be analysed again after
 * its facts changed, every changed fact being anchored at or after
 * `changedFrom` (epoch ms): a deployment at its finish, a change at its
 * authoring, an incident at its opening, the earlier of the old and the new
 * anchor when a fact moved. Every verdict of a deployment finished before
 * the horizon is the same before and after the change, so only those from
 * it are analysed (with the whole history as context) and compared;
 * `shas` are the changes those deliver, the only ones their analysis reads
 * (none given when the horizon is before every deployment: all of them).
 *
 * What a changed fact reaches, by the metric rules:
 * - a deployment: its own verdict and those after it (the shas they
 *   deliver); the deployment before it (rolled back or not, and the one an
 *   incident opened after the change was blamed on by time when no other
 *   deployment came between); the recovery of the deployments blamed for
 *   the incidents it resolves;
 * - a change: the deployment that delivered it, which finished after the
 *   change was authored (an earlier one does not link it);
 * - an incident: the deployments blamed for it and those that resolve it.
 */
export function analysisHorizon(
  history: HistoryOutline,
  changedFrom: number,
  rules: MetricRules,
): { horizon: number; shas?: string[] } {
  let horizon = changedFrom;
  const reach = (d: StoredDeployment) => {
    horizon = Math.min(horizon, d.finishedAt.getTime());
  };
  const environments = byEnvironment(history);
  for (const deliveries of environments) {
    const { successful, incidents } = deliveries;
    const before = successful.filter(d => d.finishedAt.getTime() < changedFrom);
    if (before.length > 0) reach(before[before.length - 1]);
    for (const incident of incidents) {
      const changed = incident.openedAt.getTime() >= changedFrom;
      // In any environment: one that moved out of the incident's changes
      // its recovery too.
      const resolvedByChanged = history.deployments.some(
        d =>
          d.id === incident.resolvedByDeploymentId &&
          d.finishedAt.getTime() >= changedFrom,
      );
      if (!changed && !resolvedByChanged) continue;
      causesOf(incident, deliveries, rules).forEach(reach);
      if (changed) {
        successful
          .filter(d => d.id === incident.resolvedByDeploymentId)
          .forEach(reach);
      }
    }
  }
  const from = horizon;
  // From before every deployment: all of the entity's changes.
  if (
    environments.every(({ successful }) =>
      successful.every(d => d.finishedAt.getTime() >= from),
    )
  ) {
    return { horizon: from };
  }
  // The changes the deployments from the horizon deliver: the only ones
  // their analysis reads.
  const shas = new Set<string>();
  for (const { successful, delivered } of environments) {
    successful.forEach((d, index) => {
      if (d.finishedAt.getTime() >= from) {
        delivered[index].forEach(sha => shas.add(sha));
      }
    });
  }
  return { horizon: from, shas: [...shas] };
}
