import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse } from 'yaml';
import { LocalRepositoryPublisher } from '../publish';
import {
  createFetchTemplateRenderer,
  skeletonUrlsOf,
} from '../upgrade/renderTemplate';
import { LocalUpgradeRepositories } from '../upgrade/repositories';
import { createGoldenPathPublishAction } from './publish';
import { createGoldenPathUpgradeAction, valuesFromAnswers } from './upgrade';

const FIXTURE = resolve(__dirname, '../upgrade/__fixtures__/tiny-service');

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Dev', '-c', 'user.email=dev@fernhill.test', ...args],
    { cwd, encoding: 'utf8' },
  ).trim();
}

function templateEntity(version: '1.0.0' | '2.0.0'): Entity {
  const dir = version === '1.0.0' ? 'v1' : 'v2';
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: 'tiny-service',
      namespace: 'default',
      annotations: {
        'paved.dev/template-version': version,
        'backstage.io/managed-by-location': `file:${join(
          FIXTURE,
          dir,
          'template.yaml',
        )}`,
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/platform',
      // As in the fixture's template.yaml: the skeleton the upgrade renders.
      steps: [
        { id: 'fetch', action: 'fetch:template', input: { url: './skeleton' } },
      ],
    },
  };
}

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'parcel-tracker', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'experimental', owner: 'logistics' },
};

const render = createFetchTemplateRenderer({
  reader: mockServices.urlReader.mock(),
  integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
});

// Each test renders and merges with real git: seconds, more on a busy machine.
jest.setTimeout(60_000);

describe('goldenpath:upgrade with the local target', () => {
  const root = createMockDirectory();
  const directory = root.resolve('repos');
  const repo = join(directory, 'parcel-tracker');
  const publisher = LocalRepositoryPublisher.create({ directory });

  function upgradeAction(
    templateVersion: '1.0.0' | '2.0.0' = '2.0.0',
    permissions = mockServices.permissions(),
  ) {
    return createGoldenPathUpgradeAction({
      catalog: catalogServiceMock({
        entities: [component, templateEntity(templateVersion)],
      }),
      permissions,
      repositories: new LocalUpgradeRepositories(publisher),
      render,
    });
  }

  async function upgrade(
    input: Record<string, unknown> = {
      entityRef: 'component:default/parcel-tracker',
    },
    templateVersion: '1.0.0' | '2.0.0' = '2.0.0',
  ) {
    const ctx = createMockActionContext({ input: input as any });
    await upgradeAction(templateVersion).handler(ctx as any);
    return Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([name, value]) => [
        name,
        value,
      ]),
    );
  }

  /** Version 1 rendered by fetch:template and published, as a golden-path run does. */
  async function createFromVersion1() {
    const workspacePath = root.resolve('workspace');
    const ctx = createMockActionContext({ workspacePath });
    await render({
      templatePath: join(FIXTURE, 'v1', 'template.yaml'),
      skeletonUrls: ['./skeleton'],
      values: {
        name: 'parcel-tracker',
        owner: 'group:default/logistics',
        ownerName: 'logistics',
        region: 'eu-west-2',
        templateName: 'tiny-service',
        templateVersion: '1.0.0',
      },
      templateRef: 'template:default/tiny-service',
      targetDir: workspacePath,
      ctx,
    });
    await createGoldenPathPublishAction({ publisher }).handler(
      createMockActionContext({
        workspacePath,
        input: { repoName: 'parcel-tracker' },
      }) as any,
    );
  }

  /** A developer changes replicas (the template changes it too) and adds notes. */
  function developerEdits() {
    const config = readFileSync(join(repo, 'config.yaml'), 'utf8');
    writeFileSync(
      join(repo, 'config.yaml'),
      config.replace('replicas: 1', 'replicas: 3'),
    );
    writeFileSync(join(repo, 'NOTES.md'), 'Ours.\n');
    git(repo, 'add', '--all');
    git(repo, 'commit', '--quiet', '-m', 'Scale to three');
  }

  beforeEach(async () => {
    root.clear();
    await createFromVersion1();
  });

  it('refuses an initiator who may not upgrade the component, before touching its repository', async () => {
    developerEdits();
    const refs = git(repo, 'for-each-ref');
    const permissions = mockServices.permissions.mock({
      authorize: jest
        .fn()
        .mockResolvedValue([{ result: AuthorizeResult.DENY }]),
    });
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/parcel-tracker' },
    });

    const error = await upgradeAction('2.0.0', permissions)
      .handler(ctx as any)
      .catch(e => e);

    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toBe(
      'You are not allowed to upgrade component:default/parcel-tracker (golden-path.upgrade.create): only its owners may',
    );
    // Asked for this component, with the initiator's credentials.
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'golden-path.upgrade.create',
            resourceType: 'catalog-entity',
          }),
          resourceRef: 'component:default/parcel-tracker',
        },
      ],
      { credentials: await ctx.getInitiatorCredentials() },
    );
    // No branch, no render on paved/template, no worktree.
    expect(git(repo, 'for-each-ref')).toBe(refs);
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('three-way merges the template change onto a branch, committing conflicts with markers', async () => {
    developerEdits();
    const main = git(repo, 'rev-parse', 'main');
    const pristine = git(repo, 'rev-parse', 'paved/template');

    const outputs = await upgrade();

    expect(outputs).toEqual({
      branch: 'paved/upgrade-2.0.0',
      version: '2.0.0',
      conflicts: ['config.yaml'],
      repositoryUrl: pathToFileURL(repo).href,
    });
    // main and the checked-out working tree are untouched.
    expect(git(repo, 'rev-parse', 'main')).toBe(main);
    expect(git(repo, 'symbolic-ref', '--short', 'HEAD')).toBe('main');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);

    // paved/template gained the pristine v2 render on top of the v1 render.
    expect(git(repo, 'rev-parse', 'paved/template^')).toBe(pristine);
    expect(git(repo, 'show', 'paved/template:config.yaml')).toContain(
      'replicas: 2',
    );
    expect(
      git(repo, 'ls-tree', '-r', '--name-only', 'paved/template').split('\n'),
    ).toEqual([
      '.paved/answers.yaml',
      'README.md',
      'config.yaml',
      'health.yaml',
    ]);

    // The upgrade branch is a merge of main and the new render.
    const branch = 'paved/upgrade-2.0.0';
    expect(git(repo, 'log', '-1', '--format=%P', branch).split(' ')).toEqual([
      main,
      git(repo, 'rev-parse', 'paved/template'),
    ]);
    const show = (path: string) => git(repo, 'show', `${branch}:${path}`);
    // (a) untouched by the developer, changed by the template: merged.
    expect(show('README.md')).toContain(
      'Run it with `make start` (template 2.0.0).',
    );
    expect(show('README.md')).toContain(
      'Owned by logistics, deployed in eu-west-2.',
    );
    expect(show('.paved/answers.yaml')).toContain("templateVersion: '2.0.0'");
    // (b) both changed the same line: committed with conflict markers.
    const config = show('config.yaml');
    expect(config).toMatch(
      /<<<<<<< [^\n]*\nreplicas: 3\n=======\nreplicas: 2\n>>>>>>> paved\/template/,
    );
    expect(config).toContain('name: parcel-tracker\nport: 8080\n');
    expect(git(repo, 'log', '-1', '--format=%B', branch)).toContain(
      'Paved-Conflict: config.yaml',
    );
    // (c) new in v2: added.
    expect(show('health.yaml')).toBe('service: parcel-tracker\npath: /healthz');
    // The developer's own files stay.
    expect(show('NOTES.md')).toBe('Ours.');
  });

  it('is idempotent: a re-run returns the same outputs and commits nothing', async () => {
    developerEdits();
    const first = await upgrade();
    const refs = git(repo, 'for-each-ref', '--format=%(refname) %(objectname)');

    const second = await upgrade();

    expect(second).toEqual(first);
    expect(git(repo, 'for-each-ref', '--format=%(refname) %(objectname)')).toBe(
      refs,
    );
  });

  it('merges cleanly when the developer did not touch what the template changed', async () => {
    const outputs = await upgrade();
    expect(outputs.conflicts).toEqual([]);
    const config = git(repo, 'show', 'paved/upgrade-2.0.0:config.yaml');
    expect(config).toContain('replicas: 2');
    expect(config).not.toContain('<<<<<<<');
  });

  it('says clearly when the component is already on the current version', async () => {
    await expect(upgrade(undefined, '1.0.0')).rejects.toThrow(
      /component:default\/parcel-tracker is already on version 1\.0\.0 of template:default\/tiny-service; there is nothing to upgrade/,
    );
    expect(
      git(repo, 'branch', '--format=%(refname:short)').split('\n'),
    ).toEqual(['main', 'paved/template']);
  });

  it('works for repositories published before paved/template existed', async () => {
    git(repo, 'branch', '-D', 'paved/template');
    developerEdits();
    const outputs = await upgrade();
    expect(outputs.conflicts).toEqual(['config.yaml']);
    expect(git(repo, 'rev-parse', 'paved/template^')).toBe(
      git(repo, 'rev-list', '--max-parents=0', 'main'),
    );
  });

  it('refuses a branch of that name it did not create', async () => {
    git(repo, 'branch', 'paved/upgrade-2.0.0');
    await expect(upgrade()).rejects.toThrow(
      /paved\/upgrade-2\.0\.0 already exists .* not a Paved upgrade/,
    );
  });

  it.each([
    ['component:default/../../etc', /Invalid/],
    ['component:default/Parcel_Tracker', /Invalid component name/],
    ['group:default/parcel-tracker', /Only components can be upgraded/],
    ['component:default/a/b', /Invalid component name 'a\/b'/],
    ['component:', /Invalid entityRef/],
    ['', /Invalid input to goldenpath:upgrade/],
  ])(
    'rejects the entityRef %j with an InputError',
    async (entityRef, message) => {
      const error = await upgrade({ entityRef }).catch(e => e);
      expect(error.name).toBe('InputError');
      expect(error.message).toMatch(message);
    },
  );
});

describe('valuesFromAnswers', () => {
  it('rebuilds the fetch:template values of the original run', () => {
    expect(
      valuesFromAnswers(
        {
          answers: { name: 'x', owner: 'group:default/team-a', size: 2 },
          defaults: { region: 'eu-west-2' },
        },
        'tiny-service',
        '2.0.0',
      ),
    ).toEqual({
      name: 'x',
      owner: 'group:default/team-a',
      ownerName: 'team-a',
      size: 2,
      region: 'eu-west-2',
      templateName: 'tiny-service',
      templateVersion: '2.0.0',
    });
  });
});

describe('re-rendering a real golden path from its recorded answers', () => {
  const root = createMockDirectory();

  function files(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (rel: string) => {
      for (const entry of readdirSync(join(dir, rel), {
        withFileTypes: true,
      })) {
        const path = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(path);
        else out[path] = readFileSync(join(dir, path), 'utf8');
      }
    };
    walk('');
    return out;
  }

  it.each(['typescript-service', 'python-service'])(
    'reproduces the original %s render exactly',
    async name => {
      const templatePath = resolve(
        __dirname,
        '../../../../templates',
        `${name}.yaml`,
      );
      const template = parse(readFileSync(templatePath, 'utf8'));
      const version =
        template.metadata.annotations['paved.dev/template-version'];
      const ctx = createMockActionContext({ workspacePath: root.path });
      // The values the template's fetch step computes from a form.
      const original = {
        name: 'parcel-tracker',
        description: 'Tracks parcels & vans: "where is my order?"',
        owner: 'group:default/logistics-routing',
        ownerName: 'logistics-routing',
        system: 'system:default/fulfilment',
        systemName: 'fulfilment',
        resources: { database: true, bucket: false },
        templateName: name,
        templateVersion: version,
        githubOrg: 'fernhill',
        portalUrl: 'http://localhost:7007',
        awsRegion: 'eu-west-2',
      };
      const renderOnce = async (dir: string, values: any) => {
        await render({
          templatePath,
          // Its own skeleton and the shared one, as the template's steps say.
          skeletonUrls: skeletonUrlsOf(template),
          values,
          templateRef: `template:default/${name}`,
          targetDir: root.resolve(dir),
          ctx,
        });
        return files(root.resolve(dir));
      };
      const first = await renderOnce('first', original);
      const answers = parse(first['.paved/answers.yaml']);
      const again = await renderOnce(
        'again',
        valuesFromAnswers(answers, name, version),
      );
      expect(Object.keys(again).sort()).toEqual(Object.keys(first).sort());
      expect(again).toEqual(first);
    },
  );
});
