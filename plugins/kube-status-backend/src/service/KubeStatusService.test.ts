import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  ClusterState,
  FERNHILL_SCENARIO,
  loadScenarioFile,
} from '@paved/kube-apiserver-local';
import type { ComponentsLiveChecks } from '@paved/plugin-kube-status-common';
import {
  cacheOf,
  catalogWithReadRules,
  typeOf,
} from '../__testUtils__/testUtils';
import { KubeStatusService } from './KubeStatusService';

const scenario = loadScenarioFile(FERNHILL_SCENARIO);
const clusterState = (name: string) =>
  new ClusterState(scenario.clusters.find(c => c.name === name)!);

const component = (
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'checkout', lifecycle: 'production' },
});
const byId = (id: string) =>
  component(id, { 'backstage.io/kubernetes-id': id });

const OUTSIDER = 'user:default/outsider';

/**
 * Over both demo clusters: checkout-service runs in production (eu-west-prod)
 * and in staging and dev (eu-west-nonprod); voucher-service and
 * fraud-scoring only in production; recommendations-service only in staging
 * and dev. The outsider may not see fraud-scoring.
 */
function liveChecks(options: {
  environment?: string;
  caller?: string;
  prod?: ClusterState;
}): Promise<ComponentsLiveChecks> {
  const service = KubeStatusService.create({
    catalog: catalogWithReadRules(
      [
        byId('voucher-service'),
        byId('recommendations-service'),
        byId('checkout-service'),
        byId('fraud-scoring'),
        component('checkout-docs', {}),
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'checkout', namespace: 'default' },
          spec: { type: 'team', children: [] },
        },
      ],
      { [OUTSIDER]: ['component:default/fraud-scoring'] },
    ),
    clusters: [
      cacheOf(options.prod ?? clusterState('eu-west-prod')),
      cacheOf(clusterState('eu-west-nonprod')),
    ],
  });
  return service.componentsLiveChecks(
    options.environment ?? 'production',
    options.caller
      ? mockCredentials.user(options.caller)
      : mockCredentials.service('plugin:scorecards'),
  );
}

const refs = (answer: ComponentsLiveChecks) =>
  answer.components.map(c => c.entityRef);
const componentIn = (answer: ComponentsLiveChecks, name: string) =>
  answer.components.find(c => c.entityRef === `component:default/${name}`);

describe('the live checks of every component in one environment', () => {
  it('lists the production live checks a workload fails, and only those', async () => {
    const prod = clusterState('eu-west-prod');
    const voucher = prod
      .list(typeOf('deployments'))
      .find(d => d.metadata.name === 'voucher-service')!;
    delete voucher.spec.template.spec.containers[0].resources.limits;
    prod.put(voucher);

    const answer = await liveChecks({ prod });
    expect(answer.environment).toBe('production');
    expect(componentIn(answer, 'voucher-service')).toEqual({
      entityRef: 'component:default/voucher-service',
      workloads: [
        {
          cluster: 'eu-west-prod',
          namespace: 'checkout',
          kind: 'Deployment',
          name: 'voucher-service',
          health: 'healthy',
          failing: expect.arrayContaining([
            {
              id: 'resources',
              title: expect.any(String),
              detail: 'voucher-service: no memory limit',
            },
            { id: 'replicas', title: expect.any(String), detail: '1 replica' },
          ]),
        },
      ],
    });
    // What the demo deploys passes resources, pinned images, replicas and
    // its PDB: passing checks are not listed.
    expect(
      componentIn(answer, 'checkout-service')!.workloads[0].failing,
    ).toEqual([
      {
        id: 'probes',
        title: 'Readiness and liveness probes',
        detail: 'checkout-service: no livenessProbe',
      },
      {
        id: 'non-root',
        title: 'Runs as non-root',
        detail: 'checkout-service: runAsNonRoot not true',
      },
    ]);
  });

  it('leaves out workloads of other environments, and components with none in it', async () => {
    const production = await liveChecks({ environment: 'production' });
    // checkout-docs has no Kubernetes annotations; recommendations-service
    // runs only in staging and dev.
    expect(refs(production)).toEqual([
      'component:default/checkout-service',
      'component:default/fraud-scoring',
      'component:default/voucher-service',
    ]);
    expect(
      componentIn(production, 'checkout-service')!.workloads.map(w => [
        w.cluster,
        w.namespace,
      ]),
    ).toEqual([['eu-west-prod', 'checkout']]);

    const staging = await liveChecks({ environment: 'staging' });
    expect(staging.environment).toBe('staging');
    expect(refs(staging)).toEqual([
      'component:default/checkout-service',
      'component:default/fraud-scoring',
      'component:default/recommendations-service',
    ]);
    const checkout = componentIn(staging, 'checkout-service')!;
    expect(checkout.workloads.map(w => [w.cluster, w.namespace])).toEqual([
      ['eu-west-nonprod', 'checkout-staging'],
    ]);
    // The production-only checks are not applicable here, so not failing.
    expect(checkout.workloads[0].failing.map(c => c.id)).not.toContain(
      'replicas',
    );

    expect((await liveChecks({ environment: 'qa' })).components).toEqual([]);
  });

  it("goes by the workload's own environment label before its namespace's", async () => {
    const prod = clusterState('eu-west-prod');
    const voucher = prod
      .list(typeOf('deployments'))
      .find(d => d.metadata.name === 'voucher-service')!;
    voucher.metadata.labels = {
      ...voucher.metadata.labels,
      'paved.dev/environment': 'qa',
    };
    prod.put(voucher);
    expect(refs(await liveChecks({ prod }))).not.toContain(
      'component:default/voucher-service',
    );
    expect(refs(await liveChecks({ prod, environment: 'qa' }))).toEqual([
      'component:default/voucher-service',
    ]);
  });

  it('lists only the components the caller can see in the catalog', async () => {
    expect(refs(await liveChecks({ caller: OUTSIDER }))).toEqual([
      'component:default/checkout-service',
      'component:default/voucher-service',
    ]);
    expect(refs(await liveChecks({ caller: 'user:default/alice' }))).toContain(
      'component:default/fraud-scoring',
    );
  });

  it('gives the sync state of every cluster', async () => {
    expect((await liveChecks({})).clusters).toEqual([
      { cluster: 'eu-west-prod', state: 'synced', degraded: [] },
      { cluster: 'eu-west-nonprod', state: 'synced', degraded: [] },
    ]);
  });
});
