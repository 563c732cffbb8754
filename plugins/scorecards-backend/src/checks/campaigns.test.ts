import type { Entity } from '@backstage/catalog-model';
import { isEarlierVersion, isTargeted, stillFailing } from './campaigns';

const component = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/checkout' }],
});

describe('campaign targets', () => {
  it('targets the components created from a template, however the annotation writes its ref', () => {
    const target = { template: 'template:default/node-service' };
    expect(
      isTargeted(
        component({ 'backstage.io/source-template': 'Node-Service' }),
        target,
      ),
    ).toBe(true);
    expect(
      isTargeted(
        component({
          'backstage.io/source-template': 'template:default/python-service',
        }),
        target,
      ),
    ).toBe(false);
    expect(isTargeted(component(), target)).toBe(false);
    expect(isTargeted(component(), {})).toBe(true);
  });

  it('owes a template upgrade until the recorded version is the one asked or later', () => {
    const campaign = { checks: ['has-owner'], upgradeTo: '1.4.0' };
    const passed = [
      { id: 'has-owner', outcome: 'pass' as const, evidence: '' },
    ];
    const on = (version?: string) =>
      stillFailing(
        component(version ? { 'paved.dev/template-version': version } : {}),
        passed,
        campaign,
      );
    expect(on('1.3.9')).toEqual(['template-version']);
    expect(on()).toEqual(['template-version']);
    expect(on('1.4.0')).toEqual([]);
    expect(on('1.10.0')).toEqual([]);
    expect(on('v2')).toEqual([]);
    // Checks are owed as before, the upgrade after them.
    expect(
      stillFailing(
        component({ 'paved.dev/template-version': '1.0.0' }),
        [],
        campaign,
      ),
    ).toEqual(['has-owner', 'template-version']);
  });

  it('compares dotted versions part by part', () => {
    expect(isEarlierVersion('1.4.2', '1.4.10')).toBe(true);
    expect(isEarlierVersion('1.4', '1.4.0')).toBe(false);
    expect(isEarlierVersion('2.0.0', '1.9.9')).toBe(false);
    // Not dotted numbers: only the same text counts as there.
    expect(isEarlierVersion('next', '1.0.0')).toBe(true);
    expect(isEarlierVersion('next', 'next')).toBe(false);
  });
});
