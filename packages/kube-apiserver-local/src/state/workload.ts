import { WorkloadSpec } from '../scenario';

/**
 * A scenario workload as deployed in one namespace: what every object made
 * for it (Deployment, ReplicaSets, pods, Service, ...) is built from.
 * `image` and `revision` change with each rollout.
 */
export interface Workload {
  spec: WorkloadSpec;
  namespace: string;
  environment: string;
  /** The image repository, without a tag. */
  image: string;
  /** The Deployment's current revision (its newest ReplicaSet). */
  revision: number;
}

/** The labels every object of a workload carries. */
export function workloadLabels(workload: Workload): Record<string, string> {
  return {
    app: workload.spec.id,
    'app.kubernetes.io/name': workload.spec.id,
    'app.kubernetes.io/part-of': workload.spec.team,
    'backstage.io/kubernetes-id': workload.spec.id,
    'paved.dev/environment': workload.environment,
  };
}

/** The labels that select a workload's pods. */
export function workloadSelector(workload: Workload): Record<string, string> {
  return { 'app.kubernetes.io/name': workload.spec.id };
}

function container(workload: Workload, tag: string) {
  const port = workload.spec.port ?? 8080;
  return {
    name: workload.spec.id,
    image: `${workload.image}:${tag}`,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
    env: [{ name: 'PAVED_ENVIRONMENT', value: workload.environment }],
    resources: {
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { memory: '512Mi' },
    },
    readinessProbe: {
      httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    },
    ...(workload.spec.hardened
      ? {
          livenessProbe: {
            httpGet: { path: '/livez', port: 'http', scheme: 'HTTP' },
            periodSeconds: 10,
            timeoutSeconds: 1,
            successThreshold: 1,
            failureThreshold: 3,
          },
          securityContext: {
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
          },
        }
      : {}),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

/** The pod template of a Deployment (no hash) or of a ReplicaSet. */
export function podTemplate(
  workload: Workload,
  tag: string,
  podTemplateHash?: string,
) {
  return {
    metadata: {
      labels: {
        ...workloadLabels(workload),
        'app.kubernetes.io/version': tag,
        ...(podTemplateHash ? { 'pod-template-hash': podTemplateHash } : {}),
      },
    },
    spec: {
      containers: [container(workload, tag)],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      securityContext: {},
      schedulerName: 'default-scheduler',
    },
  };
}

/** Splits `repository:tag`; an image without a colon is a bare tag. */
export function splitImage(image: string): {
  repository?: string;
  tag: string;
} {
  const colon = image.lastIndexOf(':');
  if (colon < 0) return { tag: image };
  return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
}
