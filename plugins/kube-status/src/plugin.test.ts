import { createExtensionTester } from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import {
  componentWorkloadsContent,
  kubeStatusCard,
  kubeStatusPlugin,
  teamWorkloadsContent,
} from './plugin';

const entity = (
  kind: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
});

const entities: Record<string, Entity> = {
  group: entity('Group'),
  system: entity('System'),
  user: entity('User'),
  'component with kubernetes-id': entity('Component', {
    'backstage.io/kubernetes-id': 'checkout-service',
  }),
  'component with a label selector': entity('Component', {
    'backstage.io/kubernetes-label-selector': 'app=checkout',
  }),
  'component without annotation': entity('Component'),
  'API with kubernetes-id': entity('API', {
    'backstage.io/kubernetes-id': 'checkout-api',
  }),
};

function shownOn(filter: (e: Entity) => boolean) {
  return Object.entries(entities)
    .filter(([, e]) => filter(e))
    .map(([name]) => name);
}

describe('the kube-status plugin', () => {
  it('is the package’s default export, so the app installs it', async () => {
    const { default: exported } = await import('./index');
    expect(exported).toBe(kubeStatusPlugin);
  });

  it('adds a Workloads tab to groups and systems', () => {
    const tester = createExtensionTester(teamWorkloadsContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('workloads');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Workloads');
    expect(
      shownOn(tester.get(EntityContentBlueprint.dataRefs.filterFunction)!),
    ).toEqual(['group', 'system']);
  });

  it('adds a Workloads tab and a card to components that name their Kubernetes workloads', () => {
    const tab = createExtensionTester(componentWorkloadsContent);
    expect(tab.get(coreExtensionData.routePath)).toBe('workloads');
    expect(
      shownOn(tab.get(EntityContentBlueprint.dataRefs.filterFunction)!),
    ).toEqual([
      'component with kubernetes-id',
      'component with a label selector',
    ]);
    const card = createExtensionTester(kubeStatusCard);
    expect(
      shownOn(card.get(EntityCardBlueprint.dataRefs.filterFunction)!),
    ).toEqual([
      'component with kubernetes-id',
      'component with a label selector',
    ]);
  });
});
