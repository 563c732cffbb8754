import type { Entity } from '@backstage/catalog-model';
import type {
  ClusterSyncStatus,
  EntityKubeStatus,
  LiveCheck,
  RolloutRevision,
  TeamKubeStatus,
  WorkloadStatus,
} from '@paved/plugin-kube-status-common';

/**
 * Answers of the kube-status backend, typed by its contract, for a team
 * ("Checkout") with three services in two clusters.
 */

const REGISTRY = 'ghcr.io/fernhill';

export const passingChecks: LiveCheck[] = [
  {
    id: 'resources',
    title: 'Resource requests and limits',
    status: 'pass',
    detail: 'Every container sets them',
  },
  {
    id: 'probes',
    title: 'Readiness and liveness probes',
    status: 'pass',
    detail: 'Every container has both',
  },
  {
    id: 'non-root',
    title: 'Runs as non-root',
    status: 'pass',
    detail: 'runAsNonRoot is set',
  },
  {
    id: 'pinned-image',
    title: 'Pinned image',
    status: 'pass',
    detail: 'Every image has a version tag',
  },
  {
    id: 'replicas',
    title: 'At least two replicas',
    status: 'pass',
    detail: '3 replicas',
  },
  {
    id: 'disruption-budget',
    title: 'Pod disruption budget',
    status: 'pass',
    detail: 'checkout-service-pdb',
  },
];

export function syncedCluster(cluster: string): ClusterSyncStatus {
  return {
    cluster,
    state: 'synced',
    lastEventAt: '2026-11-26T21:50:00.000Z',
    degraded: [],
  };
}

export function revision(
  overrides: Partial<RolloutRevision> & { revision: number; name: string },
): RolloutRevision {
  return {
    images: [],
    created: '2026-11-20T10:00:00.000Z',
    replicas: 0,
    readyReplicas: 0,
    current: false,
    ...overrides,
  };
}

/** A healthy Deployment; the overrides say what is different. */
export function workload(
  overrides: Partial<WorkloadStatus> & { name: string },
): WorkloadStatus {
  return {
    cluster: 'prod-eu',
    environment: 'production',
    namespace: 'checkout',
    kind: 'Deployment',
    health: 'healthy',
    summary: 'All 3 replicas ready and up to date',
    replicas: { desired: 3, ready: 3, updated: 3, available: 3 },
    rollout: { state: 'complete', revision: 1 },
    restarts: 0,
    images: [`${REGISTRY}/${overrides.name}:1.0.0`],
    problems: [],
    checks: passingChecks,
    history: [],
    ...overrides,
  };
}

/** Crash-looping in production since its last rollout; fine in staging. */
export const checkoutStatus: EntityKubeStatus = {
  entityRef: 'component:default/checkout-service',
  title: 'Checkout Service',
  matchedBy: 'backstage.io/kubernetes-id=checkout-service',
  health: 'failing',
  workloads: [
    workload({
      name: 'checkout-service',
      health: 'failing',
      summary: 'No replica ready: 3 pods in CrashLoopBackOff',
      replicas: { desired: 3, ready: 0, updated: 3, available: 0 },
      rollout: { state: 'progressing', revision: 7 },
      restarts: 42,
      images: [`${REGISTRY}/checkout-service:1.4.2`],
      problems: ['7d9f-abcde', '7d9f-fghij', '7d9f-klmno'].map(suffix => ({
        pod: `checkout-service-${suffix}`,
        container: 'app',
        reason: 'CrashLoopBackOff',
        message: 'back-off 5m0s restarting failed container app',
        restarts: 14,
        since: '2026-11-26T21:20:00.000Z',
        suggestedFix:
          'The container exits right after it starts: read its last logs (kubectl logs --previous) and check the configuration of release 1.4.2.',
      })),
      checks: passingChecks.map(c =>
        c.id === 'probes'
          ? {
              ...c,
              status: 'fail',
              detail: 'Container app has no readiness probe',
            }
          : c,
      ),
      history: [
        revision({
          revision: 7,
          name: 'checkout-service-7d9f',
          images: [`${REGISTRY}/checkout-service:1.4.2`],
          created: '2026-11-26T21:15:00.000Z',
          replicas: 3,
          readyReplicas: 0,
          current: true,
        }),
        revision({
          revision: 6,
          name: 'checkout-service-5b6c',
          images: [`${REGISTRY}/checkout-service:1.4.1`],
          created: '2026-11-24T09:30:00.000Z',
        }),
        revision({
          revision: 5,
          name: 'checkout-service-48aa',
          images: [`${REGISTRY}/checkout-service:1.4.0`],
          created: '2026-11-18T14:00:00.000Z',
        }),
      ],
    }),
    workload({
      name: 'checkout-service',
      cluster: 'staging-eu',
      environment: 'staging',
      namespace: 'checkout-staging',
      summary: 'All 1 replica ready and up to date',
      replicas: { desired: 1, ready: 1, updated: 1, available: 1 },
      rollout: { state: 'complete', revision: 9 },
      images: [`${REGISTRY}/checkout-service:1.4.3`],
      checks: passingChecks.map(c =>
        c.id === 'replicas' || c.id === 'disruption-budget'
          ? { ...c, status: 'not-applicable', detail: 'Not in production' }
          : c,
      ),
    }),
  ],
  clusters: [syncedCluster('prod-eu'), syncedCluster('staging-eu')],
};

/** A rollout past its deadline in production. */
export const paymentsStatus: EntityKubeStatus = {
  entityRef: 'component:default/payments-api',
  title: 'Payments API',
  matchedBy: 'backstage.io/kubernetes-id=payments-api',
  health: 'degraded',
  workloads: [
    workload({
      name: 'payments-api',
      health: 'degraded',
      summary: '2 of 3 replicas ready; the rollout is stuck',
      replicas: { desired: 3, ready: 2, updated: 1, available: 2 },
      rollout: {
        state: 'stuck',
        revision: 12,
        message: 'ReplicaSet "payments-api-6c7d" has timed out progressing.',
      },
      images: [`${REGISTRY}/payments-api:2.0.0`],
    }),
  ],
  clusters: [syncedCluster('prod-eu')],
};

export const ordersStatus: EntityKubeStatus = {
  entityRef: 'component:default/orders-service',
  title: 'Orders Service',
  matchedBy: 'backstage.io/kubernetes-id=orders-service',
  health: 'healthy',
  workloads: [
    workload({
      name: 'orders-service',
      images: [`${REGISTRY}/orders-service:3.1.0`],
    }),
    workload({
      name: 'orders-service',
      cluster: 'staging-eu',
      environment: 'staging',
      namespace: 'checkout-staging',
      images: [`${REGISTRY}/orders-service:3.2.0-rc.1`],
    }),
  ],
  clusters: [syncedCluster('prod-eu'), syncedCluster('staging-eu')],
};

/** The Checkout team: one failing, one degraded, one healthy service. */
export const checkoutTeamStatus: TeamKubeStatus = {
  entityRef: 'group:default/checkout',
  health: 'failing',
  // Not worst first on purpose: the page sorts.
  components: [ordersStatus, checkoutStatus, paymentsStatus],
  clusters: [syncedCluster('prod-eu'), syncedCluster('staging-eu')],
};

/** The same team while one cluster is unreachable and another may not list pods. */
export const staleTeamStatus: TeamKubeStatus = {
  ...checkoutTeamStatus,
  clusters: [
    {
      cluster: 'prod-eu',
      state: 'synced',
      lastEventAt: '2026-11-26T21:50:00.000Z',
      degraded: [{ resource: 'pods', reason: 'forbidden (HTTP 403)' }],
    },
    {
      cluster: 'staging-eu',
      state: 'error',
      lastEventAt: '2026-11-26T20:05:00.000Z',
      degraded: [],
    },
  ],
};

export const noComponentsTeamStatus: TeamKubeStatus = {
  entityRef: 'group:default/design',
  health: 'healthy',
  components: [],
  clusters: [syncedCluster('prod-eu')],
};

export const checkoutGroup: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'checkout', title: 'Checkout' },
  spec: { type: 'team', children: [] },
};

export const designGroup: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'design', title: 'Design' },
  spec: { type: 'team', children: [] },
};

export const checkoutServiceEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout-service',
    title: 'Checkout Service',
    annotations: { 'backstage.io/kubernetes-id': 'checkout-service' },
  },
  spec: {
    type: 'service',
    owner: 'group:default/checkout',
    lifecycle: 'production',
  },
};
