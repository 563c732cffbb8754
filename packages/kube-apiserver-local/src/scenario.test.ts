import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  FERNHILL_SCENARIO,
  loadScenarioFile,
  parseScenarioFile,
} from './scenario';
import { ClusterState } from './state/ClusterState';
import { typeOfKind } from './resources';

const CATALOG = resolve(__dirname, '../../../catalog/components');

describe('the fernhill scenario', () => {
  const file = loadScenarioFile(FERNHILL_SCENARIO);

  it('uses the catalog components kubernetes-id and namespace annotations', () => {
    const annotations = new Map<string, string>();
    for (const dir of readdirSync(CATALOG)) {
      const doc = parse(
        readFileSync(join(CATALOG, dir, 'catalog-info.yaml'), 'utf8'),
      );
      const a = doc?.metadata?.annotations ?? {};
      if (a['backstage.io/kubernetes-id']) {
        annotations.set(
          a['backstage.io/kubernetes-id'],
          a['backstage.io/kubernetes-namespace'],
        );
      }
    }
    expect(file.clusters.map(c => c.name)).toEqual([
      'eu-west-prod',
      'eu-west-nonprod',
    ]);
    for (const c of file.clusters) {
      for (const env of c.environments) {
        for (const w of env.workloads) {
          expect([w.id, annotations.get(w.id)]).toEqual([w.id, w.team]);
        }
      }
    }
  });

  it('seeds the nonprod cluster with staging and dev namespaces, one pending, one OOMKilled', () => {
    const c = ClusterState.create(file.clusters[1]);
    const ns = c.list(typeOfKind('Namespace')).map(n => n.metadata.name);
    expect(ns).toEqual(
      expect.arrayContaining([
        'checkout-staging',
        'checkout-dev',
        'storefront-staging',
        'default',
      ]),
    );
    const pods = c.list(typeOfKind('Pod'));
    const pending = pods.filter(p => p.status.phase === 'Pending');
    expect(pending).toHaveLength(1);
    expect(pending[0].metadata.labels?.['backstage.io/kubernetes-id']).toBe(
      'recommendations-service',
    );
    expect(pending[0].status.conditions[0]).toMatchObject({
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
    });
    const oom = pods.filter(
      p =>
        p.status.containerStatuses?.[0]?.lastState?.terminated?.reason ===
        'OOMKilled',
    );
    expect(oom.map(p => p.metadata.namespace)).toEqual([
      'data-platform-staging',
    ]);
    const events = c
      .list(typeOfKind('Event'))
      .filter(e => e.reason === 'FailedScheduling');
    expect(events).toHaveLength(1);
  });

  it('deploys the hardened workloads with a liveness probe, as non-root; the others without', () => {
    const c = ClusterState.create(file.clusters[0]);
    const container = (id: string) =>
      c.list(typeOfKind('Deployment')).find(d => d.metadata.name === id)!.spec
        .template.spec.containers[0];
    expect(container('payments-gateway')).toMatchObject({
      readinessProbe: expect.any(Object),
      livenessProbe: { httpGet: { path: '/livez', port: 'http' } },
      securityContext: { runAsNonRoot: true },
    });
    const drifted = container('checkout-service');
    expect(drifted.readinessProbe).toBeDefined();
    expect(drifted.livenessProbe).toBeUndefined();
    expect(drifted.securityContext).toBeUndefined();
  });

  it('rejects a scenario without ids or versions', () => {
    expect(() =>
      parseScenarioFile(
        'clusters: [{name: x, environments: [{name: e, workloads: [{id: a, team: t}]}]}]',
      ),
    ).toThrow(/needs id, team and versions/);
    expect(() => parseScenarioFile('foo: 1')).toThrow(/clusters/);
  });
});

describe('mutations', () => {
  const file = loadScenarioFile(FERNHILL_SCENARIO);
  const pods = (c: ClusterState, id: string) =>
    c
      .list(typeOfKind('Pod'))
      .filter(p => p.metadata.labels?.['backstage.io/kubernetes-id'] === id);

  it('scales up and down, bumping the resourceVersion', () => {
    const c = ClusterState.create(file.clusters[0]);
    const rv = c.resourceVersion;
    c.scale('sre', 'alert-router', 5);
    expect(c.resourceVersion).toBeGreaterThan(rv);
    expect(pods(c, 'alert-router')).toHaveLength(5);
    c.scale('sre', 'alert-router', 1);
    expect(pods(c, 'alert-router')).toHaveLength(1);
    const dep = c.get(typeOfKind('Deployment'), 'sre', 'alert-router')!;
    expect(dep.status).toMatchObject({
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
    });
    expect(() => c.scale('sre', 'nope', 1)).toThrow(/not found/);
  });

  it('a rollout of the stuck deployment fixes it', () => {
    const c = ClusterState.create(file.clusters[0]);
    c.rollout(
      'storefront',
      'search-service',
      'ghcr.io/fernhill/search-service:2.10.1',
    );
    const dep = c.get(
      typeOfKind('Deployment'),
      'storefront',
      'search-service',
    )!;
    expect(
      dep.metadata.annotations?.['deployment.kubernetes.io/revision'],
    ).toBe('4');
    expect(dep.status.conditions.map((x: any) => x.reason)).toEqual([
      'MinimumReplicasAvailable',
      'NewReplicaSetAvailable',
    ]);
    const p = pods(c, 'search-service');
    expect(p.map(x => x.spec.containers[0].image)).toEqual(
      Array(3).fill('ghcr.io/fernhill/search-service:2.10.1'),
    );
  });

  it('crashing pods makes the deployment unavailable', () => {
    const c = ClusterState.create(file.clusters[0]);
    for (const p of pods(c, 'alert-router')) c.crash('sre', p.metadata.name);
    const dep = c.get(typeOfKind('Deployment'), 'sre', 'alert-router')!;
    expect(dep.status).toMatchObject({
      readyReplicas: 0,
      unavailableReplicas: 2,
    });
    expect(dep.status.conditions[0]).toMatchObject({
      type: 'Available',
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
  });
});
