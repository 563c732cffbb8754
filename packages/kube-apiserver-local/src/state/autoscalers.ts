import { KubeObject, kubeTime } from '../kubeObject';
import { Workload, workloadLabels } from './workload';

/** A workload's HorizontalPodAutoscaler on CPU, settled at its replicas. */
export function autoscalerObject(
  workload: Workload,
  [minReplicas, maxReplicas]: [number, number],
  created: number,
): KubeObject {
  const since = kubeTime(created);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: workload.spec.id,
      namespace: workload.namespace,
      creationTimestamp: since,
      labels: workloadLabels(workload),
    },
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: workload.spec.id,
      },
      minReplicas,
      maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: 70 },
          },
        },
      ],
    },
    status: {
      currentReplicas: workload.spec.replicas,
      desiredReplicas: workload.spec.replicas,
      currentMetrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            current: { averageUtilization: 41, averageValue: '103m' },
          },
        },
      ],
      conditions: [
        {
          type: 'AbleToScale',
          status: 'True',
          reason: 'ReadyForNewScale',
          message: 'recommended size matches current size',
          lastTransitionTime: since,
        },
        {
          type: 'ScalingActive',
          status: 'True',
          reason: 'ValidMetricFound',
          message:
            'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
          lastTransitionTime: since,
        },
        {
          type: 'ScalingLimited',
          status: 'False',
          reason: 'DesiredWithinRange',
          message: 'the desired count is within the acceptable range',
          lastTransitionTime: since,
        },
      ],
    },
  };
}
