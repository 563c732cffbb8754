import type { RunningServer } from '@paved/kube-apiserver-local';
import { mockCredentials } from '@backstage/backend-test-utils';
import type {
  ComponentsLiveChecks,
  EntityKubeStatus,
  TeamKubeStatus,
  WorkloadStatus,
} from '@paved/plugin-kube-status-common';
import {
  ADMIN_TOKEN,
  eventually,
  startCluster,
  startKubeStatusBackend,
} from './__testUtils__/testUtils';

jest.setTimeout(30_000);

/** A user the catalog's read rules do not show orders-service. */
const OUTSIDER = 'user:default/outsider';

const POD_TYPE = {
  group: '',
  version: 'v1',
  plural: 'pods',
  singular: 'pod',
  kind: 'Pod',
  namespaced: true,
};

describe('kube-status against a live (stand-in) cluster', () => {
  let cluster: RunningServer;
  let api: Awaited<ReturnType<typeof startKubeStatusBackend>>;

  const checkout = async (): Promise<WorkloadStatus> => {
    const { status, body } = await api.get(
      '/entity?entityRef=component:default/checkout-service',
    );
    expect(status).toBe(200);
    const entity = body as EntityKubeStatus;
    expect(entity.clusters[0].state).toBe('synced');
    expect(entity.workloads).toHaveLength(1);
    return entity.workloads[0];
  };

  beforeAll(async () => {
    cluster = await startCluster({ bookmarkIntervalMs: 200 });
    api = await startKubeStatusBackend({
      clusters: [
        { name: 'eu-west-prod', url: cluster.url, token: ADMIN_TOKEN },
      ],
      // Long enough that neither a resync nor a silent-watch restart happens
      // during the test: only what the viewers cause is counted.
      kubeStatus: { resyncIntervalSeconds: 600, silentWatchTimeoutSeconds: 60 },
      hiddenFrom: { [OUTSIDER]: ['component:default/orders-service'] },
    });
    await eventually(checkout);
    await eventually(() => {
      if (cluster.requests.filter(r => r.watch).length < 9) {
        throw new Error('not every resource type is watched yet');
      }
    });
  });

  afterAll(async () => {
    await api.backend.stop();
    await cluster.stop();
  });

  it('serves an entity from the cache, and many readers cost the cluster nothing', async () => {
    const initial = [...cluster.requests];
    const lists = initial.filter(r => !r.watch);
    const watches = initial.filter(r => r.watch);
    // One list and one watch per resource type, no more.
    expect(lists.map(r => r.path).sort()).toEqual([
      '/api/v1/events',
      '/api/v1/namespaces',
      '/api/v1/pods',
      '/apis/apps/v1/daemonsets',
      '/apis/apps/v1/deployments',
      '/apis/apps/v1/replicasets',
      '/apis/apps/v1/statefulsets',
      '/apis/autoscaling/v2/horizontalpodautoscalers',
      '/apis/policy/v1/poddisruptionbudgets',
    ]);
    expect(watches.map(r => r.path).sort()).toEqual(
      lists.map(r => r.path).sort(),
    );
    expect(watches.every(r => r.query.allowWatchBookmarks === 'true')).toBe(
      true,
    );

    const viewers = [
      'user:default/alice',
      'user:default/bob',
      'user:default/carol',
    ];
    const reads = viewers.flatMap(user => [
      ...Array.from({ length: 10 }, () =>
        api.get('/entity?entityRef=component:default/checkout-service', user),
      ),
      ...Array.from({ length: 5 }, () =>
        api.get('/team?entityRef=group:default/commerce', user),
      ),
      api.get('/team?entityRef=system:default/shop', user),
    ]);
    const answers = await Promise.all(reads);
    expect(answers.every(a => a.status === 200)).toBe(true);
    expect(cluster.requests.length).toBe(initial.length);

    const workload = await checkout();
    expect(workload).toMatchObject({
      cluster: 'eu-west-prod',
      environment: 'production',
      namespace: 'checkout',
      kind: 'Deployment',
      name: 'checkout-service',
      health: 'healthy',
      replicas: { desired: 3, ready: 3, updated: 3, available: 3 },
      rollout: { state: 'complete', revision: 3 },
      images: ['ghcr.io/fernhill/checkout-service:1.14.2'],
      autoscaler: { minReplicas: 3, maxReplicas: 12, current: 3 },
    });
    expect(workload.history.map(h => [h.revision, h.current])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
  });

  it('answers for a team with its sub-groups, and for a system', async () => {
    const team = (await api.get('/team?entityRef=group:default/commerce'))
      .body as TeamKubeStatus;
    expect(team.entityRef).toBe('group:default/commerce');
    // checkout-docs has no Kubernetes annotations and is left out.
    expect(team.components.map(c => c.entityRef)).toEqual([
      'component:default/checkout-service',
      'component:default/orders-service',
    ]);
    const system = (await api.get('/team?entityRef=system:default/shop'))
      .body as TeamKubeStatus;
    expect(system.components.map(c => [c.entityRef, c.matchedBy])).toEqual([
      [
        'component:default/checkout-service',
        'backstage.io/kubernetes-id=checkout-service',
      ],
      [
        'component:default/payments-gateway',
        'app.kubernetes.io/name=payments-gateway',
      ],
    ]);
    expect(system.components[1].workloads[0].replicas.desired).toBe(4);
  });

  it("answers every visible component's production live checks in one read, from the cache", async () => {
    const before = cluster.requests.length;
    // As the scorecards backend asks: with its own service credentials.
    const port = (api.backend.server.address() as { port: number }).port;
    const res = await fetch(
      `http://localhost:${port}/api/kube-status/components`,
      {
        headers: {
          authorization: mockCredentials.service.header({
            onBehalfOf: mockCredentials.service('plugin:scorecards'),
            targetPluginId: 'kube-status',
          }),
        },
      },
    );
    expect(res.status).toBe(200);
    const all = (await res.json()) as ComponentsLiveChecks;
    expect(all.environment).toBe('production');
    expect(all.clusters).toEqual([
      expect.objectContaining({ cluster: 'eu-west-prod', state: 'synced' }),
    ]);
    // checkout-docs has no Kubernetes annotations and is left out.
    expect(all.components.map(c => c.entityRef)).toEqual([
      'component:default/checkout-service',
      'component:default/orders-service',
      'component:default/payments-gateway',
    ]);
    expect(all.components[0].workloads).toEqual([
      {
        cluster: 'eu-west-prod',
        namespace: 'checkout',
        kind: 'Deployment',
        name: 'checkout-service',
        health: 'healthy',
        failing: [
          expect.objectContaining({ id: 'probes' }),
          expect.objectContaining({ id: 'non-root' }),
        ],
      },
    ]);

    const outsider = await api.get('/components', OUTSIDER);
    expect(
      (outsider.body as ComponentsLiveChecks).components.map(c => c.entityRef),
    ).toEqual([
      'component:default/checkout-service',
      'component:default/payments-gateway',
    ]);
    expect(cluster.requests.length).toBe(before);
  });

  it('shows a scale, a rollout and a crash within seconds', async () => {
    cluster.cluster.scale('checkout', 'checkout-service', 5);
    await eventually(async () =>
      expect((await checkout()).replicas).toEqual({
        desired: 5,
        ready: 5,
        updated: 5,
        available: 5,
      }),
    );

    cluster.cluster.rollout(
      'checkout',
      'checkout-service',
      'ghcr.io/fernhill/checkout-service:1.15.0',
    );
    await eventually(async () => {
      const w = await checkout();
      expect(w.images).toEqual(['ghcr.io/fernhill/checkout-service:1.15.0']);
      expect(w.history[0]).toMatchObject({ revision: 4, current: true });
    });

    const [pod] = cluster.cluster
      .list(POD_TYPE)
      .filter(
        p =>
          p.metadata.namespace === 'checkout' &&
          p.metadata.name.startsWith('checkout-service-'),
      );
    cluster.cluster.crash('checkout', pod.metadata.name);
    await eventually(async () => {
      const w = await checkout();
      expect(w.health).toBe('failing');
      expect(w.problems).toEqual([
        expect.objectContaining({
          pod: pod.metadata.name,
          reason: 'CrashLoopBackOff',
          restarts: 1,
        }),
      ]);
    });
  });

  it('re-establishes dropped watches from the last resourceVersion, without listing again', async () => {
    const before = cluster.requests.length;
    cluster.dropWatches();
    await eventually(() =>
      expect(cluster.requests.slice(before).filter(r => r.watch)).toHaveLength(
        9,
      ),
    );
    const again = cluster.requests.slice(before);
    expect(again.filter(r => !r.watch)).toEqual([]);
    expect(again.every(r => Number(r.query.resourceVersion) > 1)).toBe(true);

    cluster.cluster.scale('checkout', 'checkout-service', 2);
    await eventually(async () =>
      expect((await checkout()).replicas.desired).toBe(2),
    );
  });
});
