import { KubeObject, kubeTime } from '../kubeObject';
import { Workload, workloadLabels, workloadSelector } from './workload';

/**
 * A workload's ClusterIP Service on port 80. `sequence` is the cluster's
 * running number, which spreads the cluster IPs.
 */
export function serviceObject(
  workload: Workload,
  created: number,
  sequence: number,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: workload.spec.id,
      namespace: workload.namespace,
      creationTimestamp: kubeTime(created),
      labels: workloadLabels(workload),
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: `172.20.${(sequence * 7) % 250}.${(sequence * 31) % 250}`,
      selector: workloadSelector(workload),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  };
}
