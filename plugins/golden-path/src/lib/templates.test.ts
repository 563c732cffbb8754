import type { Entity } from '@backstage/catalog-model';
import {
  compareVersions,
  goldenPaths,
  upgradeHref,
  upgradeTemplateOf,
} from './templates';

const template = (name: string, version?: string): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name,
    namespace: 'default',
    annotations: version ? { 'paved.dev/template-version': version } : {},
  },
  spec: {},
});

const component = (
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'group:default/checkout' },
});

describe('golden paths', () => {
  it('compares versions part by part, as numbers', () => {
    expect(compareVersions('1.9.2', '1.10.0')).toBeLessThan(0);
    expect(compareVersions('2.0.0', '1.10.0')).toBeGreaterThan(0);
    expect(compareVersions('v1.2', '1.2.0')).toBe(0);
  });

  it('lists the components made from each template and which are behind', () => {
    const [path] = goldenPaths(
      [template('typescript-service', '1.2.0')],
      [
        component('current', {
          'paved.dev/template': 'template:default/typescript-service',
          'paved.dev/template-version': '1.2.0',
        }),
        component('old', {
          'paved.dev/template': 'typescript-service',
          'paved.dev/template-version': '1.0.0',
        }),
        component('by-scaffolder', {
          'backstage.io/source-template': 'template:default/typescript-service',
        }),
        component('other', {
          'paved.dev/template': 'template:default/python-service',
          'paved.dev/template-version': '0.1.0',
        }),
      ],
    );
    expect(
      path.components.map(c => [c.entity.metadata.name, c.version, c.behind]),
    ).toEqual([
      ['by-scaffolder', undefined, true],
      ['old', '1.0.0', true],
      ['current', '1.2.0', false],
    ]);
  });

  it('counts nobody as behind a template that declares no version', () => {
    const [path] = goldenPaths(
      [template('legacy')],
      [component('a', { 'paved.dev/template': 'legacy' })],
    );
    expect(path.components[0].behind).toBe(false);
  });

  it('leaves the upgrade template out of the golden paths and finds it', () => {
    const upgrade = {
      ...template('upgrade-component'),
      spec: { type: 'upgrade' },
    };
    const templates = [template('typescript-service', '1.2.0'), upgrade];
    expect(
      goldenPaths(templates, []).map(p => p.template.metadata.name),
    ).toEqual(['typescript-service']);
    expect(upgradeTemplateOf(templates)).toBe(upgrade);
    expect(upgradeTemplateOf([template('typescript-service')])).toBeUndefined();
    expect(upgradeHref(upgrade, 'component:default/a&b')).toBe(
      '/create/templates/default/upgrade-component?formData=%7B%22component%22%3A%22component%3Adefault%2Fa%26b%22%7D',
    );
  });
});
