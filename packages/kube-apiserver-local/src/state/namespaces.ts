import { KubeObject, kubeTime } from '../kubeObject';

/** A namespace; the ones of an environment carry its name as a label. */
export function namespaceObject(
  name: string,
  created: number,
  environment?: string,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      creationTimestamp: kubeTime(created),
      labels: {
        'kubernetes.io/metadata.name': name,
        ...(environment ? { 'paved.dev/environment': environment } : {}),
      },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}
