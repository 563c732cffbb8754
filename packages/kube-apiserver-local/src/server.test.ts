import { RunningServer } from './server';
import { NO_PODS, get, startProd, watchLines } from './testUtils';

describe('LocalKubeApiServer over HTTP', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startProd();
  });
  afterAll(() => s.stop());

  it('serves discovery', async () => {
    const api = await (await get(`${s.url}/api`)).json();
    expect(api).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const v1 = await (await get(`${s.url}/api/v1`)).json();
    const pods = v1.resources.find((r: any) => r.name === 'pods');
    expect(pods).toMatchObject({
      namespaced: true,
      kind: 'Pod',
      shortNames: ['po'],
    });
    expect(
      v1.resources.find((r: any) => r.name === 'namespaces').namespaced,
    ).toBe(false);
    expect(v1.resources.map((r: any) => r.name)).toContain('pods/log');
    const apis = await (await get(`${s.url}/apis`)).json();
    expect(apis.kind).toBe('APIGroupList');
    expect(apis.groups.map((g: any) => g.name).sort()).toEqual([
      'apps',
      'autoscaling',
      'batch',
      'networking.k8s.io',
      'policy',
    ]);
    const apps = await (await get(`${s.url}/apis/apps/v1`)).json();
    expect(
      apps.resources.find((r: any) => r.name === 'deployments').shortNames,
    ).toEqual(['deploy']);
    expect((await get(`${s.url}/apis/storage.k8s.io/v1`)).status).toBe(404);
    expect((await (await get(`${s.url}/version`)).json()).major).toBe('1');
  });

  it('lists across namespaces and in one namespace', async () => {
    const all = await (await get(`${s.url}/api/v1/pods`)).json();
    expect(all.kind).toBe('PodList');
    expect(all.apiVersion).toBe('v1');
    expect(Number(all.metadata.resourceVersion)).toBeGreaterThan(0);
    const namespaces = new Set(all.items.map((p: any) => p.metadata.namespace));
    expect(namespaces).toEqual(
      new Set([
        'sre',
        'checkout',
        'payments',
        'fulfilment',
        'logistics-routing',
        'data-platform',
        'storefront',
      ]),
    );
    const one = await (
      await get(`${s.url}/api/v1/namespaces/payments/pods`)
    ).json();
    expect(one.items.length).toBeGreaterThan(0);
    expect(
      one.items.every((p: any) => p.metadata.namespace === 'payments'),
    ).toBe(true);
    for (const p of all.items) {
      expect(p.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(p.metadata.creationTimestamp).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
      expect(Number(p.metadata.resourceVersion)).toBeLessThanOrEqual(
        Number(all.metadata.resourceVersion),
      );
      expect(p.metadata.ownerReferences[0].kind).toBe('ReplicaSet');
    }
    const deps = await (await get(`${s.url}/apis/apps/v1/deployments`)).json();
    expect(deps).toMatchObject({
      kind: 'DeploymentList',
      apiVersion: 'apps/v1',
    });
    for (const kindPath of [
      '/apis/apps/v1/replicasets',
      '/apis/apps/v1/statefulsets',
      '/apis/apps/v1/daemonsets',
      '/apis/autoscaling/v2/horizontalpodautoscalers',
      '/apis/policy/v1/poddisruptionbudgets',
      '/api/v1/services',
      '/api/v1/configmaps',
      '/api/v1/events',
      '/api/v1/namespaces',
      '/api/v1/namespaces/sre/limitranges',
      '/api/v1/resourcequotas',
      '/apis/batch/v1/namespaces/sre/jobs',
      '/apis/batch/v1/cronjobs',
      '/apis/networking.k8s.io/v1/ingresses',
    ]) {
      const res = await get(`${s.url}${kindPath}`);
      expect(res.status).toBe(200);
      expect((await res.json()).kind).toMatch(/List$/);
    }
  });

  it('gets by name and answers 404 with a Status', async () => {
    const dep = await (
      await get(
        `${s.url}/apis/apps/v1/namespaces/checkout/deployments/checkout-service`,
      )
    ).json();
    expect(dep.kind).toBe('Deployment');
    expect(
      dep.spec.template.metadata.labels['backstage.io/kubernetes-id'],
    ).toBe('checkout-service');
    expect(dep.metadata.labels['backstage.io/kubernetes-id']).toBe(
      'checkout-service',
    );
    const res = await get(
      `${s.url}/apis/apps/v1/namespaces/checkout/deployments/nope`,
    );
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'deployments.apps "nope" not found',
    });
    expect((await get(`${s.url}/api/v1/widgets`)).status).toBe(404);
    const ns = await (await get(`${s.url}/api/v1/namespaces/checkout`)).json();
    expect(ns).toMatchObject({
      kind: 'Namespace',
      status: { phase: 'Active' },
    });
  });

  it('filters by label selector, equality and set-based', async () => {
    const names = async (sel: string) => {
      const l = await (
        await get(
          `${s.url}/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(
            sel,
          )}`,
        )
      ).json();
      return l.items.map((d: any) => d.metadata.name).sort();
    };
    expect(await names('backstage.io/kubernetes-id=payments-gateway')).toEqual([
      'payments-gateway',
    ]);
    expect(await names('backstage.io/kubernetes-id==payments-gateway')).toEqual(
      ['payments-gateway'],
    );
    expect(
      await names(
        'backstage.io/kubernetes-id in (payments-gateway, fraud-scoring)',
      ),
    ).toEqual(['fraud-scoring', 'payments-gateway']);
    expect(
      await names(
        'app.kubernetes.io/part-of=payments,backstage.io/kubernetes-id!=fraud-scoring',
      ),
    ).toEqual(['payments-gateway']);
    expect(
      await names(
        'app.kubernetes.io/part-of=storefront,backstage.io/kubernetes-id notin (search-service,storefront-web)',
      ),
    ).toEqual(['product-catalog-service']);
    expect(await names('!app')).toEqual([]);
    expect((await names('app')).length).toBe(15);
    expect(await names('nonexistent')).toEqual([]);
    const bad = await get(
      `${s.url}/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(
        'a in (b',
      )}`,
    );
    expect(bad.status).toBe(400);
  });

  it('filters by field selector', async () => {
    const l = await (
      await get(`${s.url}/api/v1/pods?fieldSelector=metadata.namespace%3Dsre`)
    ).json();
    expect(l.items.length).toBe(3);
    const byName = await (
      await get(
        `${s.url}/api/v1/namespaces?fieldSelector=metadata.name%3Dcheckout`,
      )
    ).json();
    expect(byName.items.map((n: any) => n.metadata.name)).toEqual(['checkout']);
    expect(
      (
        await get(
          `${s.url}/apis/apps/v1/deployments?fieldSelector=spec.nodeName%3Dx`,
        )
      ).status,
    ).toBe(400);
  });

  it('answers 401 without a known token and 403 for a forbidden resource', async () => {
    for (const token of ['', 'wrong']) {
      const res = await get(`${s.url}/api/v1/pods`, token);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
    const res = await get(`${s.url}/api/v1/pods`, NO_PODS);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      message:
        'pods is forbidden: User "jane" cannot list resource "pods" in API group "" at the cluster scope',
      details: { kind: 'pods' },
    });
    const ns = await (
      await get(`${s.url}/api/v1/namespaces/sre/pods`, NO_PODS)
    ).json();
    expect(ns.message).toBe(
      'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "sre"',
    );
    expect(
      (await get(`${s.url}/apis/apps/v1/deployments`, NO_PODS)).status,
    ).toBe(200);
  });

  it('serves the demo states with real field names', async () => {
    const pods = (await (await get(`${s.url}/api/v1/pods`)).json()).items;
    const of = (id: string) =>
      pods.filter(
        (p: any) => p.metadata.labels['backstage.io/kubernetes-id'] === id,
      );
    const crash = of('order-events-ingestor');
    expect(crash).toHaveLength(2);
    for (const p of crash) {
      const cs = p.status.containerStatuses[0];
      expect(cs.state.waiting.reason).toBe('CrashLoopBackOff');
      expect(cs.lastState.terminated.reason).toBe('Error');
      expect(cs.restartCount).toBeGreaterThan(10);
    }
    const oom = of('delivery-routing').filter(
      (p: any) => p.status.containerStatuses[0].lastState.terminated,
    );
    expect(
      oom[0].status.containerStatuses[0].lastState.terminated,
    ).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    const search = await (
      await get(
        `${s.url}/apis/apps/v1/namespaces/storefront/deployments/search-service`,
      )
    ).json();
    expect(
      search.status.conditions.find((c: any) => c.type === 'Progressing'),
    ).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(search.status).toMatchObject({
      replicas: 4,
      updatedReplicas: 1,
      readyReplicas: 3,
      unavailableReplicas: 1,
    });
    const pulling = of('search-service').filter(
      (p: any) => p.status.containerStatuses[0].state.waiting,
    );
    expect(pulling[0].status.containerStatuses[0].state.waiting.reason).toBe(
      'ImagePullBackOff',
    );
    const rss = (
      await (
        await get(
          `${s.url}/apis/apps/v1/namespaces/storefront/replicasets?labelSelector=backstage.io%2Fkubernetes-id%3Dsearch-service`,
        )
      ).json()
    ).items;
    expect(
      rss
        .map(
          (r: any) =>
            r.metadata.annotations['deployment.kubernetes.io/revision'],
        )
        .sort(),
    ).toEqual(['1', '2', '3']);
    expect(
      rss.every(
        (r: any) => r.metadata.ownerReferences[0].uid === search.metadata.uid,
      ),
    ).toBe(true);
  });

  it('serves pod logs', async () => {
    const pods = (
      await (
        await get(
          `${s.url}/api/v1/namespaces/data-platform/pods?labelSelector=backstage.io%2Fkubernetes-id%3Dorder-events-ingestor`,
        )
      ).json()
    ).items;
    const name = pods[0].metadata.name;
    const res = await get(
      `${s.url}/api/v1/namespaces/data-platform/pods/${name}/log?container=order-events-ingestor`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toMatch(/ECONNREFUSED/);
    const tail = await (
      await get(
        `${s.url}/api/v1/namespaces/data-platform/pods/${name}/log?tailLines=1`,
      )
    ).text();
    expect(tail).toMatch(
      /^\S+ FATAL order-events-ingestor exiting with code 1\n$/,
    );
    expect(
      (
        await get(
          `${s.url}/api/v1/namespaces/data-platform/pods/${name}/log?container=nope`,
        )
      ).status,
    ).toBe(400);
    expect(
      (await get(`${s.url}/api/v1/namespaces/data-platform/pods/nope/log`))
        .status,
    ).toBe(404);
  });
});

describe('watch', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startProd({ historySize: 5000, bookmarkIntervalMs: 200 });
  });
  afterAll(() => s.stop());

  it('streams changes after a resourceVersion, in order', async () => {
    const list = await (
      await get(
        `${s.url}/api/v1/namespaces/checkout/pods?labelSelector=backstage.io%2Fkubernetes-id%3Dcheckout-service`,
      )
    ).json();
    const rv = list.metadata.resourceVersion;
    const res = await get(
      `${s.url}/api/v1/namespaces/checkout/pods?watch=1&resourceVersion=${rv}&labelSelector=backstage.io%2Fkubernetes-id%3Dcheckout-service&timeoutSeconds=5`,
    );
    expect(res.status).toBe(200);
    const victim = list.items[0].metadata.name;
    s.cluster.crash('checkout', victim);
    s.cluster.rollout(
      'checkout',
      'checkout-service',
      'ghcr.io/fernhill/checkout-service:1.15.0',
    );
    const events: any[] = [];
    for await (const e of watchLines(res)) {
      events.push(e);
      if (events.filter(x => x.type === 'DELETED').length === 3) break;
    }
    expect(events[0]).toMatchObject({
      type: 'MODIFIED',
      object: { metadata: { name: victim } },
    });
    expect(
      events[0].object.status.containerStatuses[0].state.waiting.reason,
    ).toBe('CrashLoopBackOff');
    expect(events.slice(1, 4).map(e => e.type)).toEqual([
      'ADDED',
      'ADDED',
      'ADDED',
    ]);
    expect(events[1].object.spec.containers[0].image).toBe(
      'ghcr.io/fernhill/checkout-service:1.15.0',
    );
    const rvs = events.map(e => Number(e.object.metadata.resourceVersion));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
    expect(rvs[0]).toBeGreaterThan(Number(rv));
    const dep = await (
      await get(
        `${s.url}/apis/apps/v1/namespaces/checkout/deployments/checkout-service`,
      )
    ).json();
    expect(dep.metadata.annotations['deployment.kubernetes.io/revision']).toBe(
      '4',
    );
    expect(dep.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      updatedReplicas: 3,
    });
  });

  it('replays history on reconnect and sends bookmarks', async () => {
    const before = s.cluster.resourceVersion;
    s.cluster.scale('payments', 'payments-gateway', 6);
    const res = await get(
      `${s.url}/apis/apps/v1/namespaces/payments/deployments?watch=true&resourceVersion=${before}&allowWatchBookmarks=true&timeoutSeconds=1`,
    );
    const events: any[] = [];
    for await (const e of watchLines(res)) events.push(e);
    const mods = events.filter(e => e.type === 'MODIFIED');
    expect(mods.length).toBeGreaterThan(0);
    expect(mods[mods.length - 1].object.status.replicas).toBe(6);
    const bookmarks = events.filter(e => e.type === 'BOOKMARK');
    expect(bookmarks.length).toBeGreaterThanOrEqual(2);
    expect(bookmarks[0].object).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { resourceVersion: String(s.cluster.resourceVersion) },
    });
    // the stream ended at timeoutSeconds: the loop above finished
  });

  it('without a resourceVersion starts with ADDED for every object', async () => {
    const res = await get(
      `${s.url}/api/v1/namespaces/sre/pods?watch=1&timeoutSeconds=1`,
    );
    const events: any[] = [];
    for await (const e of watchLines(res)) events.push(e);
    expect(events.map(e => e.type)).toEqual(['ADDED', 'ADDED', 'ADDED']);
  });

  it('answers a too-old resourceVersion with 410 Expired', async () => {
    const rv = s.cluster.resourceVersion;
    s.cluster.compact();
    const res = await get(
      `${s.url}/api/v1/pods?watch=1&resourceVersion=${rv - 10}`,
    );
    const events: any[] = [];
    for await (const e of watchLines(res)) events.push(e);
    expect(events).toEqual([
      {
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          reason: 'Expired',
          code: 410,
          message: `too old resource version: ${rv - 10} (${rv})`,
        },
      },
    ]);
    const ok = await get(
      `${s.url}/api/v1/pods?watch=1&resourceVersion=${rv}&timeoutSeconds=1`,
    );
    const none: any[] = [];
    for await (const e of watchLines(ok)) none.push(e);
    expect(none).toEqual([]);
  });
});

describe('field selectors kubectl uses', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startProd();
  });
  afterAll(() => s.stop());

  it('selects events by involvedObject and pods by status.phase', async () => {
    const pods = (
      await (
        await get(`${s.url}/api/v1/pods?fieldSelector=status.phase%3DPending`)
      ).json()
    ).items;
    expect(pods).toEqual([]);
    const sel = encodeURIComponent(
      'involvedObject.name=search-service,involvedObject.kind=Deployment',
    );
    const events = (
      await (
        await get(
          `${s.url}/api/v1/namespaces/storefront/events?fieldSelector=${sel}`,
        )
      ).json()
    ).items;
    expect(events.map((e: any) => e.reason).sort()).toEqual([
      'ProgressDeadlineExceeded',
      'ScalingReplicaSet',
    ]);
    expect(
      (
        await get(
          `${s.url}/apis/apps/v1/deployments?fieldSelector=status.phase%3DPending`,
        )
      ).status,
    ).toBe(400);
  });
});

describe('watch with a label selector', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startProd();
  });
  afterAll(() => s.stop());

  it('sends DELETED when an object stops matching and ADDED when it matches again', async () => {
    const rv = s.cluster.resourceVersion;
    const sel = encodeURIComponent('paved.dev/tier=gold');
    const type = {
      group: 'apps',
      version: 'v1',
      plural: 'deployments',
      singular: 'deployment',
      kind: 'Deployment',
      namespaced: true,
    };
    const dep = s.cluster.get(type, 'sre', 'alert-router')!;
    s.cluster.put({
      ...dep,
      metadata: {
        ...dep.metadata,
        labels: { ...dep.metadata.labels, 'paved.dev/tier': 'gold' },
      },
    });
    s.cluster.put({
      ...dep,
      metadata: {
        ...dep.metadata,
        labels: { ...dep.metadata.labels, 'paved.dev/tier': 'silver' },
      },
    });
    const res = await get(
      `${s.url}/apis/apps/v1/deployments?watch=1&resourceVersion=${rv}&labelSelector=${sel}&timeoutSeconds=1`,
    );
    const live = s.cluster.get(type, 'sre', 'alert-router')!;
    s.cluster.put({
      ...live,
      metadata: {
        ...live.metadata,
        labels: { ...live.metadata.labels, 'paved.dev/tier': 'gold' },
      },
    });
    const events: any[] = [];
    for await (const e of watchLines(res)) events.push(e);
    expect(
      events.map(e => [e.type, e.object.metadata.labels['paved.dev/tier']]),
    ).toEqual([
      ['ADDED', 'gold'],
      ['DELETED', 'silver'],
      ['ADDED', 'gold'],
    ]);
  });
});
