import { KubeObject, kubeTime, uidFor } from '../kubeObject';

/** What a controller, the scheduler or the kubelet reports about an object. */
export interface EventReport {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** The reporting component, e.g. `kubelet`, `deployment-controller`. */
  component: string;
  /** The part of the object, e.g. `spec.containers{checkout-service}`. */
  fieldPath?: string;
  /** When it happened (epoch ms); default now. */
  at?: number;
}

/**
 * A core/v1 Event about `involved`. `sequence` is the cluster's running
 * number, which makes the name unique as the real `<object>.<hex>` names are.
 */
export function eventObject(
  involved: KubeObject,
  report: EventReport,
  sequence: number,
): KubeObject {
  const { type, reason, message, component, fieldPath } = report;
  const t = kubeTime(report.at ?? Date.now());
  const kubelet = component === 'kubelet';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${involved.metadata.name}.${uidFor(`${sequence}/${reason}`)
        .replace(/-/g, '')
        .slice(0, 16)}`,
      namespace: involved.metadata.namespace,
      creationTimestamp: t,
    },
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      name: involved.metadata.name,
      namespace: involved.metadata.namespace,
      uid: involved.metadata.uid,
      resourceVersion: involved.metadata.resourceVersion,
      ...(fieldPath ? { fieldPath } : {}),
    },
    reason,
    message,
    source: {
      component,
      ...(kubelet && involved.spec?.nodeName
        ? { host: involved.spec.nodeName }
        : {}),
    },
    firstTimestamp: t,
    lastTimestamp: t,
    count: 1,
    type,
    eventTime: null,
    reportingComponent: component,
    reportingInstance: kubelet ? involved.spec?.nodeName ?? '' : '',
  };
}

/** The deployment controller's report of resizing a ReplicaSet. */
export function scalingReplicaSet(
  direction: 'up' | 'down',
  replicaSet: string,
  from: number,
  to: number,
  at?: number,
): EventReport {
  return {
    type: 'Normal',
    reason: 'ScalingReplicaSet',
    message: `Scaled ${direction} replica set ${replicaSet} from ${from} to ${to}`,
    component: 'deployment-controller',
    at,
  };
}
