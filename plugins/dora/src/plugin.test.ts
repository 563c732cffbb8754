import { createExtensionTester } from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import {
  deliveryPage,
  doraPlugin,
  entityDeliveryContent,
  entityDoraCard,
  groupDeliveryContent,
} from './plugin';
import { rootRouteRef } from './routes';

const entityOfKind = (kind: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x' },
});
const kinds = ['Group', 'System', 'Component', 'User', 'API'];

describe('the dora plugin', () => {
  it('is the package’s default export, so the app installs it', async () => {
    const { default: exported } = await import('./index');
    expect(exported).toBe(doraPlugin);
  });

  it('adds a Delivery page with a route ref, so the sidebar lists it', () => {
    const tester = createExtensionTester(deliveryPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/delivery');
    expect(tester.get(coreExtensionData.routeRef)).toBe(rootRouteRef);
    expect(tester.get(coreExtensionData.title)).toBe('Delivery');
  });

  it('adds a Delivery tab to groups, and another to systems and components', () => {
    const group = createExtensionTester(groupDeliveryContent);
    const systemAndComponent = createExtensionTester(entityDeliveryContent);
    for (const tester of [group, systemAndComponent]) {
      expect(tester.get(coreExtensionData.routePath)).toBe('delivery');
      expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
        'Delivery',
      );
    }
    const groupFilter = group.get(
      EntityContentBlueprint.dataRefs.filterFunction,
    )!;
    const entityFilter = systemAndComponent.get(
      EntityContentBlueprint.dataRefs.filterFunction,
    )!;
    expect(kinds.filter(kind => groupFilter(entityOfKind(kind)))).toEqual([
      'Group',
    ]);
    expect(kinds.filter(kind => entityFilter(entityOfKind(kind)))).toEqual([
      'System',
      'Component',
    ]);
  });

  it('puts the DORA card on component overviews only', () => {
    const filter = createExtensionTester(entityDoraCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    expect(kinds.filter(kind => filter(entityOfKind(kind)))).toEqual([
      'Component',
    ]);
  });
});
