import { KubeObject, kubeTime } from '../kubeObject';
import { Workload, workloadLabels, workloadSelector } from './workload';

/**
 * A workload's PodDisruptionBudget with this `minAvailable`; a crash-looping
 * workload has no healthy pods, so it allows no disruption.
 */
export function disruptionBudgetObject(
  workload: Workload,
  minAvailable: number,
  created: number,
): KubeObject {
  const healthy =
    workload.spec.state === 'crashloop' ? 0 : workload.spec.replicas;
  const allowed = healthy - minAvailable > 0;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name: workload.spec.id,
      namespace: workload.namespace,
      generation: 1,
      creationTimestamp: kubeTime(created),
      labels: workloadLabels(workload),
    },
    spec: {
      minAvailable,
      selector: { matchLabels: workloadSelector(workload) },
    },
    status: {
      observedGeneration: 1,
      currentHealthy: healthy,
      desiredHealthy: minAvailable,
      disruptionsAllowed: Math.max(0, healthy - minAvailable),
      expectedPods: workload.spec.replicas,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: allowed ? 'True' : 'False',
          reason: allowed ? 'SufficientPods' : 'InsufficientPods',
          message: '',
          observedGeneration: 1,
          lastTransitionTime: kubeTime(created),
        },
      ],
    },
  };
}
