import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonObject } from '@backstage/types';
import { parse } from 'yaml';
import { createFetchTemplateRenderer, skeletonUrlsOf } from './renderTemplate';

const TEMPLATES = resolve(__dirname, '../../../../templates');

function template(steps: JsonObject[]): Entity {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'tiny-service', namespace: 'default' },
    spec: { type: 'service', steps },
  };
}

describe('skeletonUrlsOf', () => {
  it.each(['typescript-service', 'python-service'])(
    'names the %s skeleton, then the shared one, as the golden path renders them',
    name => {
      const entity = parse(
        readFileSync(resolve(TEMPLATES, `${name}.yaml`), 'utf8'),
      ) as Entity;
      expect(skeletonUrlsOf(entity)).toEqual([
        `./${name}/skeleton`,
        './shared/skeleton',
      ]);
    },
  );

  it('refuses a template that renders nothing', () => {
    expect(() =>
      skeletonUrlsOf(
        template([{ id: 'validate', action: 'goldenpath:validate' }]),
      ),
    ).toThrow(
      'The template template:default/tiny-service has no fetch:template step to render',
    );
  });

  it('refuses a skeleton URL computed from the form, which answers cannot reproduce', () => {
    expect(() =>
      skeletonUrlsOf(
        template([
          {
            id: 'fetch',
            action: 'fetch:template',
            input: { url: './${{ parameters.stack }}' },
          },
        ]),
      ),
    ).toThrow('has a fetch:template step without a fixed url');
  });
});

describe('createFetchTemplateRenderer', () => {
  const root = createMockDirectory();

  it('renders every skeleton into one directory; an earlier skeleton wins a path both have', async () => {
    root.setContent({
      'template.yaml': '',
      'own/skeleton/README.md': 'Own ${{ values.name }}',
      'own/skeleton/src/main.txt': 'main of ${{ values.name }}',
      'shared/skeleton/README.md': 'Shared ${{ values.name }}',
      'shared/skeleton/infra/main.tf': 'name = "${{ values.name }}"',
    });
    const render = createFetchTemplateRenderer({
      reader: { readTree: jest.fn(), readUrl: jest.fn(), search: jest.fn() },
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
    });
    const targetDir = root.resolve('out');

    await render({
      templatePath: root.resolve('template.yaml'),
      skeletonUrls: ['./own/skeleton', './shared/skeleton'],
      values: { name: 'parcel-tracker' },
      templateRef: 'template:default/tiny-service',
      targetDir,
      ctx: createMockActionContext({ workspacePath: targetDir }),
    });

    const read = (path: string) =>
      readFileSync(resolve(targetDir, path), 'utf8');
    expect(read('README.md')).toBe('Own parcel-tracker');
    expect(read('src/main.txt')).toBe('main of parcel-tracker');
    expect(read('infra/main.tf')).toBe('name = "parcel-tracker"');
  });
});
