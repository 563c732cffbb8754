import { execFileSync } from 'node:child_process';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
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
import { LocalRepositoryPublisher } from '../publish';
import { createFetchTemplateRenderer } from '../upgrade/renderTemplate';
import { GithubUpgradeRepositories } from '../upgrade/repositories';
import { createGoldenPathPublishAction } from './publish';
import { createGoldenPathUpgradeAction } from './upgrade';

const FIXTURE = resolve(__dirname, '../upgrade/__fixtures__/tiny-service');
const TOKEN = 'ghs_upgradeTestToken0123456789';

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Dev', '-c', 'user.email=dev@fernhill.test', ...args],
    { cwd, encoding: 'utf8' },
  ).trim();
}

const template: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'tiny-service',
    namespace: 'default',
    annotations: {
      'paved.dev/template-version': '2.0.0',
      'backstage.io/managed-by-location': `file:${join(
        FIXTURE,
        'v2',
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

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'parcel-tracker',
    namespace: 'default',
    annotations: { 'github.com/project-slug': 'fernhill/parcel-tracker' },
  },
  spec: { type: 'service', lifecycle: 'experimental', owner: 'logistics' },
};

interface ApiCall {
  method: string;
  url: string;
  authorization?: string;
  body?: any;
}

/**
 * The two pull-request endpoints of GitHub's REST API the upgrade uses
 * (GET /repos/{owner}/{repo}/pulls?head=&state=, POST /repos/{owner}/{repo}/pulls),
 * answering as GitHub documents them.
 */
function startGithubApi(): Promise<{
  server: Server;
  url: string;
  calls: ApiCall[];
}> {
  const calls: ApiCall[] = [];
  const pulls: { number: number; head: string; html_url: string }[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>(done => {
      let text = '';
      req.on('data', d => (text += d));
      req.on('end', () => done(text));
    });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    const text = await read(req);
    const body = text ? JSON.parse(text) : undefined;
    calls.push({
      method: req.method!,
      url: req.url!,
      authorization: req.headers.authorization,
      body,
    });
    res.setHeader('Content-Type', 'application/json');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.statusCode = 401;
      res.end(JSON.stringify({ message: 'Bad credentials' }));
      return;
    }
    if (url.pathname !== '/repos/fernhill/parcel-tracker/pulls') {
      res.statusCode = 404;
      res.end(JSON.stringify({ message: 'Not Found' }));
      return;
    }
    if (req.method === 'GET') {
      const head = url.searchParams.get('head');
      res.end(JSON.stringify(pulls.filter(p => `fernhill:${p.head}` === head)));
      return;
    }
    if (pulls.some(p => p.head === body.head)) {
      res.statusCode = 422;
      res.end(JSON.stringify({ message: 'A pull request already exists' }));
      return;
    }
    const pull = {
      number: pulls.length + 1,
      head: body.head,
      html_url: `https://github.com/fernhill/parcel-tracker/pull/${
        pulls.length + 1
      }`,
    };
    pulls.push(pull);
    res.statusCode = 201;
    res.end(JSON.stringify(pull));
  });
  return new Promise(done =>
    server.listen(0, '127.0.0.1', () =>
      done({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        calls,
      }),
    ),
  );
}

jest.setTimeout(60_000);

describe('goldenpath:upgrade with the GitHub target', () => {
  const root = createMockDirectory();
  let api: Awaited<ReturnType<typeof startGithubApi>>;
  let remote: string;
  const render = createFetchTemplateRenderer({
    reader: mockServices.urlReader.mock(),
    integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
  });

  afterEach(() => new Promise(done => api.server.close(done)));

  /** The component as goldenpath:publish made it, with a developer commit, "on GitHub". */
  beforeEach(async () => {
    root.clear();
    api = await startGithubApi();
    const directory = root.resolve('created');
    const workspacePath = root.resolve('workspace');
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
      ctx: createMockActionContext({ workspacePath }) as any,
    });
    await createGoldenPathPublishAction({
      publisher: LocalRepositoryPublisher.create({ directory }),
    }).handler(
      createMockActionContext({
        workspacePath,
        input: { repoName: 'parcel-tracker' },
      }) as any,
    );
    const created = join(directory, 'parcel-tracker');
    git(created, 'commit', '--allow-empty', '--quiet', '-m', 'Developer work');
    remote = root.resolve('github/fernhill/parcel-tracker.git');
    execFileSync('git', ['clone', '--quiet', '--mirror', created, remote]);
  });

  /** What the upgrade asked for: tokens and clones. */
  let requested: { tokens: string[]; clones: string[] };

  function upgrade(
    options: {
      permissions?: ReturnType<typeof mockServices.permissions>;
      entity?: Entity;
    } = {},
  ) {
    requested = { tokens: [], clones: [] };
    const action = createGoldenPathUpgradeAction({
      catalog: catalogServiceMock({
        entities: [options.entity ?? component, template],
      }),
      permissions: options.permissions ?? mockServices.permissions(),
      repositories: new GithubUpgradeRepositories({
        host: 'github.com',
        owner: 'fernhill',
        apiBaseUrl: api.url,
        getToken: async url => {
          requested.tokens.push(url);
          return TOKEN;
        },
        cloneUrl: (owner, repo) => {
          requested.clones.push(`${owner}/${repo}`);
          return root.resolve(`github/${owner}/${repo}.git`);
        },
      }),
      render,
    });
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/parcel-tracker' },
    });
    return action.handler(ctx as any).then(() => ({
      outputs: Object.fromEntries(
        (ctx.output as jest.Mock).mock.calls.map(([name, value]) => [
          name,
          value,
        ]),
      ),
      logged: JSON.stringify((ctx.logger as any).info?.mock?.calls ?? []),
    }));
  }

  it('pushes the upgrade branch and opens a pull request against main', async () => {
    const { outputs, logged } = await upgrade();

    expect(outputs).toEqual({
      branch: 'paved/upgrade-2.0.0',
      version: '2.0.0',
      conflicts: [],
      repositoryUrl: 'https://github.com/fernhill/parcel-tracker',
      pullRequestUrl: 'https://github.com/fernhill/parcel-tracker/pull/1',
    });
    // The branch and the pristine render are on the remote.
    expect(git(remote, 'show', 'paved/upgrade-2.0.0:health.yaml')).toContain(
      'service: parcel-tracker',
    );
    expect(git(remote, 'rev-parse', 'paved/upgrade-2.0.0^2')).toBe(
      git(remote, 'rev-parse', 'paved/template'),
    );
    const created = api.calls.filter(c => c.method === 'POST');
    expect(created).toHaveLength(1);
    expect(created[0].body).toEqual({
      title: 'Upgrade to template:default/tiny-service 2.0.0',
      body: expect.stringContaining('from 1.0.0 to 2.0.0'),
      head: 'paved/upgrade-2.0.0',
      base: 'main',
    });
    expect(api.calls.every(c => c.authorization === `Bearer ${TOKEN}`)).toBe(
      true,
    );
    expect(logged).not.toContain(TOKEN);
  });

  it('is idempotent: a re-run finds the pull request instead of opening another', async () => {
    const first = await upgrade();
    const refs = git(remote, 'for-each-ref');

    const second = await upgrade();

    expect(second.outputs).toEqual(first.outputs);
    expect(git(remote, 'for-each-ref')).toBe(refs);
    expect(api.calls.filter(c => c.method === 'POST')).toHaveLength(1);
  });

  it('refuses an initiator the policy denies: nothing is cloned, pushed or opened', async () => {
    const refs = git(remote, 'for-each-ref');

    const error = await upgrade({
      permissions: mockServices.permissions({ result: AuthorizeResult.DENY }),
    }).catch(e => e);

    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toContain(
      'not allowed to upgrade component:default/parcel-tracker',
    );
    expect(requested).toEqual({ tokens: [], clones: [] });
    expect(git(remote, 'for-each-ref')).toBe(refs);
    expect(api.calls).toEqual([]);
  });

  it.each([
    ['another organisation', 'octo-org/parcel-tracker'],
    ['a personal account', 'mallory/parcel-tracker'],
  ])(
    'refuses a component whose project slug names %s, before any git or GitHub call',
    async (_, slug) => {
      // A repository that would otherwise be reachable with the portal's token.
      const outside = root.resolve(`github/${slug}.git`);
      execFileSync('git', ['clone', '--quiet', '--mirror', remote, outside]);
      const refs = git(outside, 'for-each-ref');

      const error = await upgrade({
        entity: {
          ...component,
          metadata: {
            ...component.metadata,
            annotations: { 'github.com/project-slug': slug },
          },
        },
      }).catch(e => e);

      expect(error.name).toBe('NotAllowedError');
      expect(error.message).toBe(
        `component:default/parcel-tracker names the repository ${slug} (github.com/project-slug), outside the GitHub organisation fernhill; golden-path upgrades only act on fernhill's repositories`,
      );
      expect(requested).toEqual({ tokens: [], clones: [] });
      expect(git(outside, 'for-each-ref')).toBe(refs);
      expect(api.calls).toEqual([]);
    },
  );

  it('accepts the organisation in any letter case, as GitHub does', async () => {
    const { outputs } = await upgrade({
      entity: {
        ...component,
        metadata: {
          ...component.metadata,
          annotations: { 'github.com/project-slug': 'Fernhill/parcel-tracker' },
        },
      },
    });
    expect(outputs.branch).toBe('paved/upgrade-2.0.0');
    // Cloned and pushed under the configured spelling.
    expect(requested.clones).toEqual(['fernhill/parcel-tracker']);
  });

  it('says what GitHub answered when it refuses, without the token', async () => {
    const action = createGoldenPathUpgradeAction({
      catalog: catalogServiceMock({ entities: [component, template] }),
      permissions: mockServices.permissions(),
      repositories: new GithubUpgradeRepositories({
        host: 'github.com',
        owner: 'fernhill',
        apiBaseUrl: api.url,
        getToken: async () => 'ghs_revoked',
        cloneUrl: (owner, repo) => root.resolve(`github/${owner}/${repo}.git`),
      }),
      render,
    });
    const error = await action
      .handler(
        createMockActionContext({
          input: { entityRef: 'component:default/parcel-tracker' },
        }) as any,
      )
      .catch(e => e);
    expect(error.message).toBe(
      'GitHub answered 401 for GET /repos/fernhill/parcel-tracker/pulls: Bad credentials',
    );
    expect(error.message).not.toContain('ghs_revoked');
  });
});
