import {
  Condition,
  Container,
  ContainerStatus,
  KubeObject,
  kubeTime,
  nameSuffix,
  ownerReference,
  uidFor,
} from '../kubeObject';
import { EventReport } from './events';

/** How a generated pod behaves. */
export type PodState =
  | 'running'
  | 'crashloop'
  | 'imagepull'
  | 'oomkilled'
  | 'pending';

/** Where a cluster's pods are placed; names and addresses derive from it. */
export interface ClusterNodes {
  clusterName: string;
  nodeNames: string[];
}

const MINUTE = 60 * 1000;

/** The nodes of a scenario cluster, named as EKS names them. */
export function nodeNamesFor(clusterName: string, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      `ip-10-${clusterName.length}-${10 + i}-${
        20 + i * 7
      }.eu-west-1.compute.internal`,
  );
}

/** The container runtime's ids of a container and of its image. */
function runtimeIds(podName: string, image: string) {
  const hex = (seed: string) => uidFor(seed).replace(/-/g, '');
  return {
    containerID: `containerd://${hex(`${podName}/c`)}${hex(
      `${podName}/d`,
    ).slice(0, 32)}`,
    imageID: `${image.split(':')[0]}@sha256:${hex(image)}${hex(`${image}/2`)}`,
  };
}

/** The status of a pod's only container in the given state. */
function containerStatus(
  state: PodState,
  options: {
    container: Container;
    podName: string;
    namespace: string;
    uid: string;
    index: number;
    startedAt: string;
  },
) {
  const { container, podName, namespace, uid, index, startedAt } = options;
  const { containerID, imageID } = runtimeIds(podName, container.image);
  const ready = state === 'running' || state === 'oomkilled';
  const status: Record<string, unknown> = {
    name: container.name,
    image: container.image,
    imageID,
    containerID,
    ready,
    started: ready,
    restartCount: 0,
    lastState: {},
    state: { running: { startedAt } },
  };
  if (state === 'crashloop') {
    status.restartCount = 40 + index * 3;
    status.lastState = {
      terminated: {
        exitCode: 1,
        reason: 'Error',
        startedAt: kubeTime(Date.now() - 90000),
        finishedAt: kubeTime(Date.now() - 80000),
        containerID,
      },
    };
    status.state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off 5m0s restarting failed container=${container.name} pod=${podName}_${namespace}(${uid})`,
      },
    };
  } else if (state === 'oomkilled') {
    status.restartCount = 4;
    status.lastState = {
      terminated: {
        exitCode: 137,
        reason: 'OOMKilled',
        startedAt,
        finishedAt: kubeTime(Date.now() - 25 * MINUTE),
        containerID,
      },
    };
    status.state = {
      running: { startedAt: kubeTime(Date.now() - 25 * MINUTE) },
    };
  } else if (state === 'imagepull') {
    delete status.containerID;
    status.imageID = '';
    status.state = {
      waiting: {
        reason: 'ImagePullBackOff',
        message: `Back-off pulling image "${container.image}"`,
      },
    };
  }
  return status;
}

/** The conditions of a pod that was scheduled, ready or not. */
function scheduledPodConditions(
  ready: boolean,
  since: string,
  containerName: string,
) {
  const condition = (type: string) => ({
    type,
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: since,
  });
  return [
    condition('PodReadyToStartContainers'),
    condition('Initialized'),
    ...['Ready', 'ContainersReady'].map(type => ({
      ...condition(type),
      status: ready ? 'True' : 'False',
      ...(ready
        ? {}
        : {
            reason: 'ContainersNotReady',
            message: `containers with unready status: [${containerName}]`,
          }),
    })),
    condition('PodScheduled'),
  ];
}

/** The condition of a pod no node has room for. */
function unschedulableCondition(since: string, nodeCount: number) {
  return {
    type: 'PodScheduled',
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: since,
    reason: 'Unschedulable',
    message: `0/${nodeCount} nodes are available: ${nodeCount} Insufficient memory. preemption: 0/${nodeCount} nodes are available: ${nodeCount} No preemption victims found for incoming pod.`,
  };
}

/**
 * Pod number `index` of a ReplicaSet, in the given state since `start`.
 * `sequence` is the cluster's running number: it makes the name unique and
 * spreads pods over nodes and addresses.
 */
export function podObject(options: {
  cluster: ClusterNodes;
  replicaSet: KubeObject;
  index: number;
  state: PodState;
  start: number;
  sequence: number;
}): KubeObject {
  const { cluster, replicaSet, index, state, start, sequence } = options;
  const { nodeNames, clusterName } = cluster;
  const namespace = replicaSet.metadata.namespace!;
  const name = `${replicaSet.metadata.name}-${nameSuffix(
    `${replicaSet.metadata.name}/${index}/${sequence}`,
    5,
  )}`;
  const uid = uidFor(`${clusterName}/pod/${namespace}/${name}`);
  const container: Container = replicaSet.spec.template.spec.containers[0];
  const since = kubeTime(start);
  const scheduled = state !== 'pending';
  const ready = state === 'running' || state === 'oomkilled';
  const placement = {
    hostIP: `10.${clusterName.length}.${10 + (index % 6)}.${
      20 + ((index * 7) % 200)
    }`,
    podIP: `10.${100 + clusterName.length}.${(sequence * 13) % 250}.${
      (sequence * 29) % 250
    }`,
    startTime: since,
    containerStatuses: [
      containerStatus(state, {
        container,
        podName: name,
        namespace,
        uid,
        index,
        startedAt: since,
      }),
    ],
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: `${replicaSet.metadata.name}-`,
      namespace,
      uid,
      creationTimestamp: since,
      labels: {
        ...replicaSet.spec.template.metadata.labels,
        'pod-template-hash': replicaSet.metadata.labels!['pod-template-hash'],
      },
      ownerReferences: [ownerReference(replicaSet)],
    },
    spec: {
      ...replicaSet.spec.template.spec,
      ...(scheduled
        ? { nodeName: nodeNames[(sequence + index) % nodeNames.length] }
        : {}),
    },
    status: {
      phase: scheduled ? 'Running' : 'Pending',
      qosClass: 'Burstable',
      ...(scheduled ? placement : {}),
      conditions: scheduled
        ? scheduledPodConditions(ready, since, container.name)
        : [unschedulableCondition(since, nodeNames.length)],
    },
  };
}

/** What the kubelet and the scheduler report about a new pod in this state. */
export function podStateEvents(
  pod: KubeObject,
  state: PodState,
  at: number,
): EventReport[] {
  const container: Container = pod.spec.containers[0];
  const kubelet = {
    component: 'kubelet',
    fieldPath: `spec.containers{${container.name}}`,
    at,
  };
  switch (state) {
    case 'crashloop':
    case 'oomkilled':
      return [{ ...kubelet, ...restartBackOff() }];
    case 'imagepull':
      return [
        {
          ...kubelet,
          type: 'Warning',
          reason: 'Failed',
          message: `Failed to pull image "${container.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${container.image}": not found`,
        },
        {
          ...kubelet,
          type: 'Normal',
          reason: 'BackOff',
          message: `Back-off pulling image "${container.image}"`,
        },
      ];
    case 'pending':
      return [
        {
          type: 'Warning',
          reason: 'FailedScheduling',
          message: pod.status.conditions[0].message,
          component: 'default-scheduler',
          at,
        },
      ];
    default:
      return [];
  }
}

function restartBackOff() {
  return {
    type: 'Warning' as const,
    reason: 'BackOff',
    message: 'Back-off restarting failed container',
  };
}

/**
 * Makes a pod's first container exit with an error: one more restart, now
 * waiting in CrashLoopBackOff, the pod not ready. Returns the kubelet's report.
 */
export function crashFirstContainer(pod: KubeObject, now: number): EventReport {
  const status = pod.status.containerStatuses[0];
  status.restartCount += 1;
  status.ready = false;
  status.started = false;
  status.lastState = {
    terminated: {
      exitCode: 1,
      reason: 'Error',
      startedAt: status.state.running?.startedAt ?? kubeTime(now - MINUTE),
      finishedAt: kubeTime(now),
      containerID: status.containerID,
    },
  };
  status.state = {
    waiting: {
      reason: 'CrashLoopBackOff',
      message: `back-off 10s restarting failed container=${status.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
    },
  };
  markNotReady(pod, now, `containers with unready status: [${status.name}]`);
  return {
    ...restartBackOff(),
    component: 'kubelet',
    fieldPath: `spec.containers{${status.name}}`,
  };
}

function markNotReady(pod: KubeObject, now: number, message: string) {
  const conditions: Condition[] = pod.status.conditions ?? [];
  for (const c of conditions) {
    if (c.type === 'Ready' || c.type === 'ContainersReady') {
      c.status = 'False';
      c.lastTransitionTime = kubeTime(now);
      c.reason = 'ContainersNotReady';
      c.message = message;
    }
  }
}

export function isReady(pod: KubeObject): boolean {
  const conditions: Condition[] = pod.status?.conditions ?? [];
  return conditions.some(c => c.type === 'Ready' && c.status === 'True');
}

/** The containers a pod declares. */
export function containersOf(pod: KubeObject): Container[] {
  return pod.spec?.containers ?? [];
}

/** Whether the pod's containers have started at all (had a status). */
export function hasContainerStatuses(pod: KubeObject): boolean {
  const statuses: ContainerStatus[] | null | undefined =
    pod.status?.containerStatuses;
  return Boolean(statuses);
}
