import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { UserEntity } from '@backstage/catalog-model';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { cleanWorkspace } from '../__testUtils__/fixtures';
import {
  GithubRepositoryPublisher,
  LocalRepositoryPublisher,
  PublishGithubAction,
} from '../publish';
import { createGoldenPathPublishAction } from './publish';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

const rajesh: UserEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'rajesh.iyer' },
  spec: {
    profile: { displayName: 'Rajesh Iyer', email: 'rajesh@fernhill.test' },
    memberOf: [],
  },
};

// Real git (and, for registration, a real catalog): seconds on a busy machine.
jest.setTimeout(60_000);

describe('goldenpath:publish with the local target', () => {
  const root = createMockDirectory();
  const directory = root.resolve('repos');
  const workspacePath = root.resolve('workspace');
  const action = createGoldenPathPublishAction({
    publisher: LocalRepositoryPublisher.create({ directory }),
  });

  async function publish(
    input: Record<string, unknown>,
    options: { user?: UserEntity } = {},
  ) {
    const ctx = createMockActionContext({
      workspacePath,
      input: input as any, // deliberately untyped: bad input is under test
      user: options.user && { entity: options.user, ref: 'user:default/x' },
    });
    await action.handler(ctx);
    return Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([name, value]) => [
        name,
        value,
      ]),
    );
  }

  beforeEach(() => {
    root.clear();
    root.setContent({
      workspace: {
        ...cleanWorkspace(),
        '.gitignore': 'node_modules/\n',
        'node_modules/left-pad/index.js': 'module.exports = 1;\n',
      },
      'sibling.txt': 'not a repository\n',
    });
  });

  it('commits the workspace into a new repository under the directory', async () => {
    const outputs = await publish(
      { repoName: 'payments-api', description: 'Takes payments' },
      { user: rajesh },
    );
    const repo = join(directory, 'payments-api');

    expect(outputs).toEqual({
      remoteUrl: pathToFileURL(repo).href,
      repoContentsUrl: pathToFileURL(repo).href,
      catalogInfoUrl: pathToFileURL(join(repo, 'catalog-info.yaml')).href,
      commitHash: git(repo, 'rev-parse', 'HEAD'),
    });
    expect(outputs.catalogInfoUrl).toMatch(/^file:\/\//);
    expect(git(repo, 'rev-list', '--count', 'HEAD')).toBe('1');
    expect(git(repo, 'symbolic-ref', '--short', 'HEAD')).toBe('main');
    // paved/template keeps the pristine render: the base for upgrades.
    expect(git(repo, 'rev-parse', 'paved/template')).toBe(outputs.commitHash);
    expect(
      git(repo, 'branch', '--format=%(refname:short)').split('\n'),
    ).toEqual(['main', 'paved/template']);
    expect(git(repo, 'log', '-1', '--format=%an <%ae>|%cn <%ce>')).toBe(
      'Rajesh Iyer <rajesh@fernhill.test>|Paved <paved@localhost>',
    );
    expect(
      git(repo, 'ls-tree', '-r', '--name-only', 'HEAD').split('\n'),
    ).toEqual([
      '.github/workflows/deploy.yml',
      '.gitignore',
      'README.md',
      'catalog-info.yaml',
      'config/app.yaml',
      'docs/index.md',
      'k8s/base/cronjob.yaml',
      'k8s/base/deployment.yaml',
    ]);
    // The working tree is checked out and clean.
    expect(readFileSync(join(repo, 'catalog-info.yaml'), 'utf8')).toBe(
      cleanWorkspace()['catalog-info.yaml'],
    );
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(readFileSync(join(repo, '.git', 'description'), 'utf8')).toBe(
      'Takes payments\n',
    );
    // Nothing besides the repository was written.
    expect(readdirSync(root.path).sort()).toEqual([
      'repos',
      'sibling.txt',
      'workspace',
    ]);
    expect(readdirSync(directory)).toEqual(['payments-api']);
    expect(
      readdirSync(join(repo, '.git')).filter(f => f.includes('paved')),
    ).toEqual([]);
  });

  it('commits as Paved without a user entity, on the requested branch', async () => {
    await publish({ repoName: 'payments-api', defaultBranch: 'trunk' });
    const repo = join(directory, 'payments-api');
    expect(git(repo, 'log', '-1', '--format=%an <%ae>')).toBe(
      'Paved <paved@localhost>',
    );
    expect(git(repo, 'symbolic-ref', '--short', 'HEAD')).toBe('trunk');
  });

  it('is a no-op with the same outputs when run again', async () => {
    const first = await publish({ repoName: 'payments-api' }, { user: rajesh });
    const second = await publish({ repoName: 'payments-api' });
    expect(second).toEqual(first);
    expect(
      git(join(directory, 'payments-api'), 'rev-list', '--count', 'HEAD'),
    ).toBe('1');
    expect(
      git(join(directory, 'payments-api'), 'rev-parse', 'paved/template'),
    ).toBe(first.commitHash);
  });

  it('never moves an existing paved/template branch on a re-run', async () => {
    const first = await publish({ repoName: 'payments-api' });
    const repo = join(directory, 'payments-api');
    // A later upgrade committed a newer pristine render onto paved/template.
    git(repo, 'checkout', '--quiet', 'paved/template');
    git(
      repo,
      '-c',
      'user.name=Paved',
      '-c',
      'user.email=paved@localhost',
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      'Render v2',
    );
    const upgraded = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '--quiet', 'main');
    expect(await publish({ repoName: 'payments-api' })).toEqual(first);
    expect(git(repo, 'rev-parse', 'paved/template')).toBe(upgraded);
  });

  it('finishes a run that stopped after git init', async () => {
    git(
      root.path,
      'init',
      '--quiet',
      '-b',
      'main',
      join(directory, 'payments-api'),
    );
    const outputs = await publish({ repoName: 'payments-api' });
    expect(outputs.commitHash).toBe(
      git(join(directory, 'payments-api'), 'rev-parse', 'HEAD'),
    );
  });

  it('refuses to touch a different repository of the same name', async () => {
    await publish({ repoName: 'payments-api' });
    const repo = join(directory, 'payments-api');
    const head = git(repo, 'rev-parse', 'HEAD');

    root.addContent({ 'workspace/README.md': '# changed\n' });
    await expect(publish({ repoName: 'payments-api' })).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /a different repository already exists at .*payments-api \(its content differs from this workspace\)/,
      ),
    });
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe(
      cleanWorkspace()['README.md'],
    );
  });

  it('refuses a repository with more history', async () => {
    await publish({ repoName: 'payments-api' });
    const repo = join(directory, 'payments-api');
    git(
      repo,
      '-c',
      'user.name=x',
      '-c',
      'user.email=x@x',
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      'later work',
    );
    await expect(publish({ repoName: 'payments-api' })).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('it has 2 commits'),
    });
  });

  it('refuses a directory that is not a repository', async () => {
    root.addContent({ 'repos/payments-api/notes.txt': 'mine\n' });
    await expect(publish({ repoName: 'payments-api' })).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('is not a git repository'),
    });
    expect(readdirSync(join(directory, 'payments-api'))).toEqual(['notes.txt']);
  });

  it.each([
    '..',
    '../escape',
    'a/b',
    '/tmp/escape',
    '..%2Fescape',
    'Payments',
    '-rf',
    'a'.repeat(64),
    '',
  ])(
    'rejects the repository name %j without writing anything',
    async repoName => {
      await expect(publish({ repoName })).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('repoName: must be a DNS label'),
      });
      expect(readdirSync(root.path).sort()).toEqual([
        'sibling.txt',
        'workspace',
      ]);
      expect(existsSync('/tmp/escape')).toBe(false);
    },
  );

  it('rejects the traversal in the publisher itself too', async () => {
    const publisher = LocalRepositoryPublisher.create({ directory });
    expect(() => publisher.repositoryPath('../escape')).toThrow(
      expect.objectContaining({ name: 'InputError' }),
    );
  });

  it('explains missing or malformed input', async () => {
    await expect(publish({})).rejects.toMatchObject({
      name: 'InputError',
      message: 'Invalid input to goldenpath:publish: repoName: Required',
    });
    await expect(
      publish({ repoName: 'ok', defaultBranch: '--upload-pack=x' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'defaultBranch: must be a valid git branch name',
      ),
    });
  });
});

describe('goldenpath:publish with the github target', () => {
  function publisherWith(
    publishGithub: PublishGithubAction,
    host = 'github.com',
  ) {
    return GithubRepositoryPublisher.create({
      host,
      owner: 'fernhill',
      repoVisibility: 'internal',
      publishGithub,
      config: new ConfigReader({}),
    });
  }

  it('delegates to publish:github with the configured organisation and maps its outputs', async () => {
    const received: unknown[] = [];
    const fakePublishGithub: PublishGithubAction = {
      id: 'publish:github',
      async handler(ctx) {
        received.push(ctx.input);
        ctx.output('remoteUrl', 'https://github.com/fernhill/payments-api.git');
        ctx.output(
          'repoContentsUrl',
          'https://github.com/fernhill/payments-api/blob/main',
        );
        ctx.output('commitHash', 'abc123');
      },
    };
    const action = createGoldenPathPublishAction({
      publisher: publisherWith(fakePublishGithub),
    });
    const ctx = createMockActionContext({
      input: { repoName: 'payments-api', description: 'Takes payments' },
    });
    await action.handler(ctx);

    expect(received).toEqual([
      expect.objectContaining({
        repoUrl: 'github.com?owner=fernhill&repo=payments-api',
        description: 'Takes payments',
        defaultBranch: 'main',
        repoVisibility: 'internal',
      }),
    ]);
    expect(ctx.output).toHaveBeenCalledWith(
      'catalogInfoUrl',
      'https://github.com/fernhill/payments-api/blob/main/catalog-info.yaml',
    );
    expect(ctx.output).toHaveBeenCalledWith('commitHash', 'abc123');
  });

  it('runs the official publish:github action by default', async () => {
    // No integration for this host: the real action refuses before any network call.
    const publisher = GithubRepositoryPublisher.create({
      host: 'ghe.fernhill.test',
      owner: 'fernhill',
      repoVisibility: 'private',
      config: new ConfigReader({}),
    });
    const action = createGoldenPathPublishAction({ publisher });
    await expect(
      action.handler(
        createMockActionContext({ input: { repoName: 'payments-api' } }),
      ),
    ).rejects.toThrow(
      /No matching integration configuration for host ghe\.fernhill\.test/,
    );
  });
});
