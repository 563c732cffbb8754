import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { MockActionsRegistry } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ClusterState,
  FERNHILL_SCENARIO,
  loadScenarioFile,
} from '@paved/kube-apiserver-local';
import { registerKubeStatusActions } from './actions';
import { KubeStatusService } from './service/KubeStatusService';
import { cacheOf, testEntities } from './__testUtils__/testUtils';

describe('get-kube-status action', () => {
  const registry = MockActionsRegistry.create({
    logger: mockServices.rootLogger({ level: 'none' }),
  });
  const prod = new ClusterState(
    loadScenarioFile(FERNHILL_SCENARIO).clusters.find(
      c => c.name === 'eu-west-prod',
    )!,
  );
  registerKubeStatusActions(
    registry,
    KubeStatusService.create({
      catalog: catalogServiceMock({ entities: testEntities }),
      clusters: [cacheOf(prod)],
    }),
  );
  const invoke = (entityRef: string) =>
    registry.invoke({
      id: 'test:get-kube-status',
      input: { entityRef },
      credentials: mockCredentials.user('user:default/alice'),
    });

  it('gives a component its workloads', async () => {
    const { output } = (await invoke(
      'component:default/checkout-service',
    )) as any;
    expect(output.status.entityRef).toBe('component:default/checkout-service');
    expect(output.status.workloads[0]).toMatchObject({
      name: 'checkout-service',
      health: 'healthy',
    });
  });

  it('gives a group every annotated component of it and its sub-groups', async () => {
    const { output } = (await invoke('group:default/commerce')) as any;
    expect(output.status.components.map((c: any) => c.entityRef)).toEqual([
      'component:default/checkout-service',
      'component:default/orders-service',
    ]);
  });

  it('rejects a kind it cannot answer for', async () => {
    await expect(invoke('user:default/alice')).rejects.toThrow(
      'must name a group or a system',
    );
  });
});
