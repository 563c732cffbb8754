import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse } from 'yaml';
import { LocalRepositoryPublisher } from '../publish';
import { createFetchTemplateRenderer } from '../upgrade/renderTemplate';
import { LocalUpgradeRepositories } from '../upgrade/repositories';
import { createGoldenPathUpgradeAction } from './upgrade';

/** The real golden path, as it is in this repository now. */
const TEMPLATE_FILE = resolve(
  __dirname,
  '../../../../templates/typescript-service.yaml',
);
/** A component created from version 1.2.0 of it, with a developer commit. */
const BUNDLE = resolve(
  __dirname,
  '../upgrade/__fixtures__/parcel-tracker-typescript-service-1.2.0.bundle',
);

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

function realTemplate(): Entity {
  const entity = parse(readFileSync(TEMPLATE_FILE, 'utf8')) as Entity;
  entity.metadata.namespace = 'default';
  entity.metadata.annotations = {
    ...entity.metadata.annotations,
    'backstage.io/managed-by-location': `file:${TEMPLATE_FILE}`,
  };
  return entity;
}

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'parcel-tracker',
    namespace: 'default',
    annotations: {
      'backstage.io/source-template': 'template:default/typescript-service',
      'paved.dev/template-version': '1.2.0',
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'experimental',
    owner: 'group:default/logistics-routing',
  },
};

// Rendering the real template and merging it takes seconds, more on a busy
// machine.
jest.setTimeout(120_000);

describe('goldenpath:upgrade of a component created from an older version of the real TypeScript template', () => {
  const root = createMockDirectory();
  const directory = root.resolve('repos');
  const repo = join(directory, 'parcel-tracker');
  const template = realTemplate();
  const version = template.metadata.annotations!['paved.dev/template-version'];
  const branch = `paved/upgrade-${version}`;

  const action = createGoldenPathUpgradeAction({
    catalog: catalogServiceMock({ entities: [component, template] }),
    permissions: mockServices.permissions(),
    repositories: new LocalUpgradeRepositories(
      LocalRepositoryPublisher.create({ directory }),
    ),
    render: createFetchTemplateRenderer({
      reader: mockServices.urlReader.mock(),
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
    }),
  });

  async function upgrade() {
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/parcel-tracker' },
    });
    await action.handler(ctx as any);
    return Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([name, value]) => [
        name,
        value,
      ]),
    );
  }

  beforeAll(() => {
    root.clear();
    execFileSync('git', ['clone', '--quiet', BUNDLE, repo]);
    git(repo, 'branch', 'paved/template', 'origin/paved/template');
  });

  it('is a real older version: the repository records 1.2.0 and the template is newer', () => {
    expect(git(repo, 'show', 'main:.paved/answers.yaml')).toContain(
      "templateVersion: '1.2.0'",
    );
    expect(version).not.toBe('1.2.0');
  });

  it('merges the template change from 1.2.0, keeps the developer change and lists the conflict', async () => {
    const main = git(repo, 'rev-parse', 'main');

    const outputs = await upgrade();

    expect(outputs.branch).toBe(branch);
    expect(outputs.version).toBe(version);
    // The README's template-version sentence changed in the template and
    // the developer added a line right under it: a conflict, not a guess.
    expect(outputs.conflicts).toEqual(['README.md']);
    expect(git(repo, 'rev-parse', 'main')).toBe(main);

    const show = (path: string) => git(repo, 'show', `${branch}:${path}`);
    // New in the template since 1.2.0: a NetworkPolicy, rendered with the
    // component's recorded answers and added to the kustomization.
    const policy = parse(show('k8s/base/networkpolicy.yaml'));
    expect(policy.metadata.name).toBe('parcel-tracker');
    expect(show('k8s/base/kustomization.yaml')).toContain(
      '- networkpolicy.yaml',
    );
    // Changed in the template and, elsewhere in the file, by the developer:
    // both changes are in the merged deployment.
    const deployment = show('k8s/base/deployment.yaml');
    expect(deployment).toMatch(/revisionHistoryLimit: 10\b/);
    expect(deployment).toContain('memory: 192Mi');
    // The recorded version moves with the upgrade.
    expect(show('.paved/answers.yaml')).toContain(
      `templateVersion: '${version}'`,
    );
    expect(
      parse(show('catalog-info.yaml')).metadata.annotations[
        'paved.dev/template-version'
      ],
    ).toBe(version);
    // The conflict is committed with its markers and both sides.
    const readme = show('README.md');
    expect(readme).toMatch(/<<<<<<< [\s\S]*On call: #logistics-routing-oncall/);
    expect(readme).toMatch(
      new RegExp(
        `=======\\n${version.replace(
          /\./g,
          '\\.',
        )}: \\[the service in Paved\\]`,
      ),
    );
    expect(readme).toContain('>>>>>>> paved/template');
    // The developer's own edit elsewhere in the README merged cleanly.
    expect(readme).toContain('live on the driver app and the order page');
  });

  it('changes nothing when run again', async () => {
    const head = git(repo, 'rev-parse', branch);
    const outputs = await upgrade();
    expect(outputs.conflicts).toEqual(['README.md']);
    expect(git(repo, 'rev-parse', branch)).toBe(head);
  });
});
