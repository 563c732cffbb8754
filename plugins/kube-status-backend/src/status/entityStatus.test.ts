import type { Entity } from '@backstage/catalog-model';
import {
  ClusterState,
  FERNHILL_SCENARIO,
  type KubeObject as StandInObject,
  loadScenarioFile,
} from '@paved/kube-apiserver-local';
import type {
  LiveCheck,
  WorkloadStatus,
} from '@paved/plugin-kube-status-common';
import { cacheOf, typeOf } from '../__testUtils__/testUtils';
import { entityKubeStatus, entityKubeStatuses } from './entityStatus';
import { isPinnedImage } from './liveChecks';

const scenario = loadScenarioFile(FERNHILL_SCENARIO);
const prod = () =>
  new ClusterState(scenario.clusters.find(c => c.name === 'eu-west-prod')!);
const nonprod = () =>
  new ClusterState(scenario.clusters.find(c => c.name === 'eu-west-nonprod')!);

const component = (id: string, namespace?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: id,
    annotations: {
      'backstage.io/kubernetes-id': id,
      ...(namespace ? { 'backstage.io/kubernetes-namespace': namespace } : {}),
    },
  },
});

function workload(
  state: ClusterState,
  id: string,
  namespace?: string,
): WorkloadStatus {
  const status = entityKubeStatus(component(id, namespace), [cacheOf(state)]);
  expect(status.workloads).toHaveLength(1);
  return status.workloads[0];
}

function check(w: WorkloadStatus, id: LiveCheck['id']) {
  return w.checks.find(c => c.id === id)!;
}

function firstPod(state: ClusterState, namespace: string, id: string) {
  return state
    .list(typeOf('pods'))
    .find(
      p =>
        p.metadata.namespace === namespace &&
        p.metadata.labels?.['backstage.io/kubernetes-id'] === id,
    )!;
}

function waitingPod(
  state: ClusterState,
  namespace: string,
  id: string,
  reason: string,
  message: string,
): StandInObject {
  const pod = firstPod(state, namespace, id);
  pod.status.containerStatuses[0].ready = false;
  pod.status.containerStatuses[0].state = { waiting: { reason, message } };
  return state.put(pod);
}

describe('workload health and suggested fixes', () => {
  it('calls a fully ready, rolled-out deployment healthy', () => {
    const w = workload(prod(), 'checkout-service');
    expect(w).toMatchObject({
      health: 'healthy',
      summary: '3/3 ready, revision 3',
      rollout: { state: 'complete', revision: 3 },
      problems: [],
      restarts: 0,
    });
  });

  it('reports CrashLoopBackOff with the command to read the last log', () => {
    const w = workload(prod(), 'order-events-ingestor');
    expect(w.health).toBe('failing');
    expect(w.summary).toBe('No ready replica of 2; 2 pods CrashLoopBackOff');
    // Never "complete" beside 0/2 ready: kubectl would still be waiting.
    expect(w.rollout).toMatchObject({
      state: 'progressing',
      message: '0 of 2 updated replicas are available',
    });
    expect(w.restarts).toBe(40 + 43);
    expect(w.problems).toHaveLength(2);
    const [p] = w.problems;
    expect(p).toMatchObject({
      reason: 'CrashLoopBackOff',
      container: 'order-events-ingestor',
      message: expect.stringContaining('back-off 5m0s'),
    });
    expect(p.suggestedFix).toContain(
      `kubectl logs -n data-platform ${p.pod} -c order-events-ingestor --previous`,
    );
  });

  it('reports OOMKilled from the last termination, naming the memory limit', () => {
    const w = workload(prod(), 'delivery-routing');
    expect(w.health).toBe('failing');
    expect(w.problems).toEqual([
      expect.objectContaining({
        reason: 'OOMKilled',
        restarts: 4,
        message: 'exit code 137',
        since: expect.any(String),
      }),
    ]);
    expect(w.problems[0].suggestedFix).toContain(
      'limit (512Mi) and was killed. Raise resources.limits.memory',
    );
  });

  it('reports a stuck rollout with its ImagePullBackOff pod and the registry error', () => {
    const w = workload(prod(), 'search-service');
    expect(w.rollout).toEqual({
      state: 'stuck',
      message: expect.stringContaining('has timed out progressing'),
      revision: 3,
    });
    expect(w.health).toBe('failing');
    expect(w.summary).toBe(
      '1 pod ImagePullBackOff; rollout of revision 3 stuck (ProgressDeadlineExceeded); 3/3 ready',
    );
    expect(w.problems).toEqual([
      expect.objectContaining({
        reason: 'ImagePullBackOff',
        message: expect.stringContaining('not found'),
        suggestedFix: expect.stringContaining(
          'The image ghcr.io/fernhill/search-service:2.10.0 cannot be pulled',
        ),
      }),
    ]);
  });

  it('reports ErrImagePull like ImagePullBackOff', () => {
    const state = prod();
    waitingPod(
      state,
      'checkout',
      'voucher-service',
      'ErrImagePull',
      'pull access denied',
    );
    const w = workload(state, 'voucher-service');
    expect(w.health).toBe('failing');
    expect(w.problems[0]).toMatchObject({
      reason: 'ErrImagePull',
      message: 'pull access denied',
      suggestedFix: expect.stringContaining('imagePullSecrets'),
    });
  });

  it('reports an unschedulable pod with the scheduler message', () => {
    const w = workload(
      nonprod(),
      'recommendations-service',
      'storefront-staging',
    );
    expect(w.environment).toBe('staging');
    expect(w.health).toBe('failing');
    expect(w.problems).toEqual([
      expect.objectContaining({
        reason: 'Unschedulable',
        message: expect.stringContaining('Insufficient memory'),
        suggestedFix: expect.stringContaining('Lower its resource requests'),
      }),
    ]);
  });

  it('reports CreateContainerConfigError as missing configuration', () => {
    const state = prod();
    waitingPod(
      state,
      'payments',
      'fraud-scoring',
      'CreateContainerConfigError',
      'secret "fraud-db" not found',
    );
    const w = workload(state, 'fraud-scoring');
    expect(w.problems[0]).toMatchObject({
      reason: 'CreateContainerConfigError',
      message: 'secret "fraud-db" not found',
      suggestedFix: expect.stringContaining(
        'Create it in namespace payments or fix the reference',
      ),
    });
  });

  it('calls a deployment with fewer ready replicas than desired degraded', () => {
    const state = prod();
    const dep = state
      .list(typeOf('deployments'))
      .find(d => d.metadata.name === 'orders-service')!;
    dep.status.readyReplicas = 2;
    state.put(dep);
    expect(workload(state, 'orders-service')).toMatchObject({
      health: 'degraded',
      summary: '2/3 ready',
    });
  });

  it('calls a rollout under way progressing', () => {
    const state = prod();
    const dep = state
      .list(typeOf('deployments'))
      .find(d => d.metadata.name === 'orders-service')!;
    dep.status.updatedReplicas = 1;
    state.put(dep);
    expect(workload(state, 'orders-service')).toMatchObject({
      health: 'progressing',
      rollout: { state: 'progressing' },
      summary: 'Rolling out revision 2: 1/3 updated, 3/3 ready',
    });
  });
});

describe('rollout history', () => {
  it('lists the revisions newest first and marks the current one', () => {
    const w = workload(prod(), 'search-service');
    expect(
      w.history.map(h => [h.revision, h.images[0], h.replicas, h.current]),
    ).toEqual([
      [3, 'ghcr.io/fernhill/search-service:2.10.0', 1, true],
      [2, 'ghcr.io/fernhill/search-service:2.9.0', 3, false],
      [1, 'ghcr.io/fernhill/search-service:2.8.0', 0, false],
    ]);
    expect(Date.parse(w.history[0].created)).toBeGreaterThan(
      Date.parse(w.history[1].created),
    );
  });
});

describe('live golden-path checks', () => {
  it('checks a production deployment as deployed by the demo', () => {
    const w = workload(prod(), 'checkout-service');
    expect(check(w, 'resources').status).toBe('pass');
    expect(check(w, 'probes')).toMatchObject({
      status: 'fail',
      detail: 'checkout-service: no livenessProbe',
    });
    expect(check(w, 'non-root')).toMatchObject({
      status: 'fail',
      detail: 'checkout-service: runAsNonRoot not true',
    });
    expect(check(w, 'pinned-image').status).toBe('pass');
    expect(check(w, 'replicas')).toMatchObject({
      status: 'pass',
      detail: '3 replicas, autoscaler minimum 3',
    });
    expect(check(w, 'disruption-budget')).toMatchObject({
      status: 'pass',
      detail: 'PodDisruptionBudget checkout-service selects the pods',
    });
  });

  it('fails a single-replica production deployment without a PDB', () => {
    const w = workload(prod(), 'voucher-service');
    expect(check(w, 'replicas')).toMatchObject({
      status: 'fail',
      detail: '1 replica',
    });
    expect(check(w, 'disruption-budget')).toMatchObject({
      status: 'fail',
      detail: 'No PodDisruptionBudget in namespace checkout selects the pods',
    });
  });

  it('does not apply the replica and PDB checks outside production', () => {
    const w = workload(nonprod(), 'checkout-service', 'checkout-staging');
    expect(check(w, 'replicas').status).toBe('not-applicable');
    expect(check(w, 'disruption-budget').status).toBe('not-applicable');
  });

  it('passes probes and non-root, and fails a :latest image and missing limits', () => {
    const state = prod();
    const dep = state
      .list(typeOf('deployments'))
      .find(d => d.metadata.name === 'voucher-service')!;
    const c = dep.spec.template.spec.containers[0];
    c.livenessProbe = { httpGet: { path: '/healthz', port: 'http' } };
    c.image = 'ghcr.io/fernhill/voucher-service:latest';
    delete c.resources.limits;
    dep.spec.template.spec.securityContext = { runAsNonRoot: true };
    state.put(dep);
    const w = workload(state, 'voucher-service');
    expect(check(w, 'probes').status).toBe('pass');
    expect(check(w, 'non-root').status).toBe('pass');
    expect(check(w, 'pinned-image')).toMatchObject({
      status: 'fail',
      detail:
        'voucher-service: image ghcr.io/fernhill/voucher-service:latest is not pinned',
    });
    expect(check(w, 'resources')).toMatchObject({
      status: 'fail',
      detail: 'voucher-service: no memory limit',
    });
  });

  it('fails non-root when a container overrides the pod to false', () => {
    const state = prod();
    const dep = state
      .list(typeOf('deployments'))
      .find(d => d.metadata.name === 'voucher-service')!;
    dep.spec.template.spec.securityContext = { runAsNonRoot: true };
    dep.spec.template.spec.containers[0].securityContext = {
      runAsNonRoot: false,
    };
    state.put(dep);
    expect(check(workload(state, 'voucher-service'), 'non-root').status).toBe(
      'fail',
    );
  });

  it.each([
    ['ghcr.io/fernhill/app:1.2.3', true],
    ['localhost:5000/app:1.0', true],
    ['ghcr.io/fernhill/app@sha256:abc', true],
    ['ghcr.io/fernhill/app', false],
    ['localhost:5000/app', false],
    ['app:latest', false],
  ])('treats %s as pinned: %s', (image, pinned) => {
    expect(isPinnedImage(image)).toBe(pinned);
  });
});

describe('matching entities to workloads', () => {
  it('matches by label selector and restricts to the namespace annotation', () => {
    const state = prod();
    const bySelector: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'checkout-team',
        annotations: {
          'backstage.io/kubernetes-label-selector':
            'app.kubernetes.io/part-of=checkout,app.kubernetes.io/name notin (voucher-service)',
        },
      },
    };
    const status = entityKubeStatus(bySelector, [cacheOf(state)]);
    expect(status.matchedBy).toContain('app.kubernetes.io/part-of=checkout');
    expect(status.workloads.map(w => w.name).sort()).toEqual([
      'checkout-service',
      'orders-service',
    ]);
    const elsewhere = entityKubeStatus(
      component('checkout-service', 'payments'),
      [cacheOf(state)],
    );
    expect(elsewhere.workloads).toEqual([]);
  });

  it('gives an entity without annotations no workloads and matchedBy ""', () => {
    const status = entityKubeStatus(
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x' },
      },
      [cacheOf(prod())],
    );
    expect(status).toMatchObject({
      matchedBy: '',
      workloads: [],
      health: 'unknown',
    });
  });
});

describe('the statuses of many entities at once', () => {
  it('gives each entity what its own status gives, from both clusters', () => {
    const bySelector = (name: string, selector: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        annotations: { 'backstage.io/kubernetes-label-selector': selector },
      },
    });
    const entities: Entity[] = [
      component('checkout-service'),
      component('checkout-service', 'checkout-staging'),
      component('recommendations-service'),
      component('no-such-workload'),
      bySelector(
        'set',
        'app.kubernetes.io/name in (orders-service, search-service, orders-service)',
      ),
      bySelector(
        'team',
        'app.kubernetes.io/part-of=checkout,app.kubernetes.io/name notin (voucher-service)',
      ),
      // Requires no value: every workload is tried, as for one entity.
      bySelector('any-named', 'app.kubernetes.io/name'),
      bySelector('broken', 'a in (b'),
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x' },
      },
    ];
    const clusters = [cacheOf(prod()), cacheOf(nonprod())];
    const together = entityKubeStatuses(entities, clusters);
    expect(together).toEqual(entities.map(e => entityKubeStatus(e, clusters)));
    // Not vacuous: the selectors do find workloads, in both clusters.
    expect(together.map(s => s.workloads.length)).toEqual([
      3,
      1,
      2,
      0,
      4,
      5,
      expect.any(Number),
      0,
      0,
    ]);
    expect(together[6].workloads.length).toBeGreaterThan(30);
  });
});
