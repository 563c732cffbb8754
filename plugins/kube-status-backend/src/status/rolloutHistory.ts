/* eslint-disable @typescript-eslint/no-explicit-any -- ReplicaSet JSON, read defensively */
import type { RolloutRevision } from '@paved/plugin-kube-status-common';
import type { KubeObject } from '../cache/resources';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

export function revisionOf(o: KubeObject): number | undefined {
  const value = Number(o.metadata.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Whether a ReplicaSet belongs to the Deployment (by owner reference). */
export function isOwnedBy(replicaSet: KubeObject, deployment: KubeObject) {
  return (replicaSet.metadata.ownerReferences ?? []).some(
    ref =>
      ref.kind === 'Deployment' &&
      (deployment.metadata.uid && ref.uid
        ? ref.uid === deployment.metadata.uid
        : ref.name === deployment.metadata.name),
  );
}

/** The Deployment's revisions from its ReplicaSets, newest first. */
export function rolloutHistory(
  deployment: KubeObject,
  replicaSets: KubeObject[],
): RolloutRevision[] {
  const current = revisionOf(deployment);
  return replicaSets
    .filter(rs => isOwnedBy(rs, deployment))
    .flatMap(rs => {
      const revision = revisionOf(rs);
      if (revision === undefined) return [];
      const containers: any[] = rs.spec?.template?.spec?.containers ?? [];
      return [
        {
          revision,
          name: rs.metadata.name,
          images: containers.map(c => c.image),
          created: rs.metadata.creationTimestamp ?? '',
          replicas: rs.status?.replicas ?? 0,
          readyReplicas: rs.status?.readyReplicas ?? 0,
          current: revision === current,
        },
      ];
    })
    .sort((a, b) => b.revision - a.revision);
}
