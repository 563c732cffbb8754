import { createExtensionTester } from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import {
  costPlugin,
  entityCostCard,
  entityCostContent,
  groupCostContent,
} from './plugin';

const entityOfKind = (kind: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x' },
});
const kinds = ['Group', 'System', 'Component', 'User', 'API'];

describe('the cost plugin', () => {
  it('is the package’s default export, so the app installs it', async () => {
    const { default: exported } = await import('./index');
    expect(exported).toBe(costPlugin);
  });

  it('adds a Cost tab to groups, and another to systems and components', () => {
    const group = createExtensionTester(groupCostContent);
    const entity = createExtensionTester(entityCostContent);
    for (const tester of [group, entity]) {
      expect(tester.get(coreExtensionData.routePath)).toBe('cost');
      expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Cost');
    }
    const groupFilter = group.get(
      EntityContentBlueprint.dataRefs.filterFunction,
    )!;
    const entityFilter = entity.get(
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

  it('puts the cost card on component overviews only', () => {
    const filter = createExtensionTester(entityCostCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    expect(kinds.filter(kind => filter(entityOfKind(kind)))).toEqual([
      'Component',
    ]);
  });
});
