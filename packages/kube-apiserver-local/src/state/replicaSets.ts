import {
  KubeObject,
  kubeTime,
  nameSuffix,
  ownerReference,
} from '../kubeObject';
import { REVISION_ANNOTATION } from './deployments';
import { isReady } from './pods';
import {
  Workload,
  podTemplate,
  workloadLabels,
  workloadSelector,
} from './workload';

export const DESIRED_REPLICAS_ANNOTATION =
  'deployment.kubernetes.io/desired-replicas';

/** One revision of a Deployment: a ReplicaSet owned by it, without pods. */
export function replicaSetObject(options: {
  clusterName: string;
  workload: Workload;
  deployment: KubeObject;
  tag: string;
  revision: number;
  replicas: number;
  created: number;
}): KubeObject {
  const { workload, tag, revision, replicas } = options;
  const hash = nameSuffix(
    `${options.clusterName}/${workload.namespace}/${workload.spec.id}/${tag}/${revision}`,
    10,
  );
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${workload.spec.id}-${hash}`,
      namespace: workload.namespace,
      generation: 1,
      creationTimestamp: kubeTime(options.created),
      labels: {
        ...workloadLabels(workload),
        'app.kubernetes.io/version': tag,
        'pod-template-hash': hash,
      },
      annotations: {
        [DESIRED_REPLICAS_ANNOTATION]: String(replicas),
        'deployment.kubernetes.io/max-replicas': String(
          Math.ceil(replicas * 1.25),
        ),
        [REVISION_ANNOTATION]: String(revision),
      },
      ownerReferences: [ownerReference(options.deployment)],
    },
    spec: {
      replicas,
      selector: {
        matchLabels: {
          ...workloadSelector(workload),
          'pod-template-hash': hash,
        },
      },
      template: podTemplate(workload, tag, hash),
    },
    status: { replicas: 0, observedGeneration: 1 },
  };
}

/** Sets a ReplicaSet's desired replicas (spec and annotation alike). */
export function setDesiredReplicas(replicaSet: KubeObject, replicas: number) {
  replicaSet.spec.replicas = replicas;
  replicaSet.metadata.annotations![DESIRED_REPLICAS_ANNOTATION] =
    String(replicas);
}

export function revisionOf(o: KubeObject): string | undefined {
  return o.metadata.annotations?.[REVISION_ANNOTATION];
}

/** The status the ReplicaSet controller writes for these pods. */
export function replicaSetStatus(replicaSet: KubeObject, pods: KubeObject[]) {
  const ready = pods.filter(isReady).length;
  return {
    replicas: pods.length,
    fullyLabeledReplicas: pods.length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: replicaSet.metadata.generation ?? 1,
  };
}
