import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { Publisher } from '@backstage/plugin-techdocs-node';
import { FactSources } from './FactSources';

/**
 * What the other plugins answer, by path: Kubernetes status and cost as
 * their organisation-wide routes do (see their OpenAPI specs).
 */
let answers: Record<
  string,
  { status: number; body: unknown } | ((query: URLSearchParams) => unknown)
> = {};
let requests: string[] = [];
let server: Server;
let baseUrl: string;
let docsDir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '', 'http://localhost');
    requests.push(url.pathname + url.search);
    const found = answers[url.pathname];
    const answer =
      typeof found === 'function'
        ? { status: 200, body: found(url.searchParams) }
        : found ?? { status: 404, body: { error: {} } };
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  docsDir = await mkdtemp(join(tmpdir(), 'scorecards-docs-'));
  // The checkout service's docs were built and published; search's not.
  await mkdir(join(docsDir, 'default/component/checkout'), {
    recursive: true,
  });
  await writeFile(
    join(docsDir, 'default/component/checkout/techdocs_metadata.json'),
    JSON.stringify({
      site_name: 'Checkout',
      site_description: '',
      etag: 'abc',
      build_timestamp: Date.parse('2026-11-30T10:00:00Z'),
    }),
  );
});

afterAll(async () => {
  await new Promise(resolve => server.close(resolve));
  await rm(docsDir, { recursive: true, force: true });
});

beforeEach(() => {
  answers = {};
  requests = [];
});

function sources(
  config: Record<string, unknown> = {},
  docsPublisher?: () => ReturnType<typeof Publisher.fromConfig>,
) {
  const rootConfig = mockServices.rootConfig({
    data: {
      techdocs: {
        publisher: { type: 'local', local: { publishDirectory: docsDir } },
      },
      ...config,
    },
  });
  const logger = mockServices.logger.mock();
  const discovery = {
    getBaseUrl: async (pluginId: string) => `${baseUrl}/api/${pluginId}`,
    getExternalBaseUrl: async (pluginId: string) =>
      `${baseUrl}/api/${pluginId}`,
  };
  return {
    logger,
    sources: FactSources.create({
      auth: mockServices.auth(),
      discovery,
      logger,
      config: rootConfig,
      docsPublisher:
        docsPublisher ??
        (() => Publisher.fromConfig(rootConfig, { logger, discovery })),
    }),
  };
}

describe('FactSources', () => {
  it('reads when each entity’s published docs were built, from the TechDocs storage', async () => {
    const { sources: local } = sources();
    const docs = await local.docs([
      'component:default/checkout',
      'component:default/search',
    ]);
    expect(docs?.get('component:default/checkout')).toEqual({
      builtAt: new Date('2026-11-30T10:00:00Z'),
      builtOnFirstView: true,
    });
    expect(docs?.get('component:default/search')).toEqual({
      builtOnFirstView: true,
    });
    // Where CI builds and publishes, a missing site is a failure to build.
    const { sources: external } = sources({
      techdocs: {
        builder: 'external',
        publisher: { type: 'local', local: { publishDirectory: docsDir } },
      },
    });
    expect(
      (await external.docs(['component:default/search']))?.get(
        'component:default/search',
      ),
    ).toEqual({ builtOnFirstView: false });
  });

  it('has no docs facts while the storage cannot be made, and tries again next pass', async () => {
    const factory = jest
      .fn()
      .mockRejectedValueOnce(new Error('no credentials for the bucket'));
    const { sources: failing, logger } = sources({}, factory);
    expect(await failing.docs(['component:default/checkout'])).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('no credentials for the bucket'),
    );
    factory.mockImplementation(() =>
      Publisher.fromConfig(
        mockServices.rootConfig({
          data: {
            techdocs: {
              publisher: {
                type: 'local',
                local: { publishDirectory: docsDir },
              },
            },
          },
        }),
        {
          logger: mockServices.logger.mock(),
          discovery: mockServices.discovery(),
        },
      ),
    );
    const docs = await failing.docs(['component:default/checkout']);
    expect(docs?.get('component:default/checkout')?.builtAt).toBeDefined();
    expect(factory).toHaveBeenCalledTimes(2);
  });

  it('reads every component’s production workloads from Kubernetes status in one request', async () => {
    answers['/api/kube-status/components'] = {
      status: 200,
      body: {
        environment: 'production',
        components: [
          {
            entityRef: 'component:default/checkout',
            workloads: [
              {
                cluster: 'prod-eu',
                namespace: 'checkout',
                kind: 'Deployment',
                name: 'checkout',
                health: 'healthy',
                failing: [
                  {
                    id: 'probes',
                    title: 'Liveness and readiness probes',
                    detail: 'container app has no readiness probe',
                  },
                ],
              },
            ],
          },
        ],
        clusters: [
          { cluster: 'prod-eu', state: 'synced', degraded: false },
          { cluster: 'prod-us', state: 'syncing', degraded: true },
        ],
      },
    };
    const live = await sources().sources.liveWorkloads();
    expect(live?.('component:default/checkout')).toEqual({
      workloads: [
        {
          workload: 'prod-eu/checkout/Deployment/checkout',
          failing: [
            {
              id: 'probes',
              title: 'Liveness and readiness probes',
              detail: 'container app has no readiness probe',
            },
          ],
        },
      ],
      unsyncedClusters: ['prod-us'],
    });
    // Left out of the answer: runs nothing in production.
    expect(live?.('component:default/search')).toEqual({
      workloads: [],
      unsyncedClusters: ['prod-us'],
    });
  });

  it('reads every component’s cost and budget in one request; a component left out has neither', async () => {
    answers['/api/cost/components'] = {
      status: 200,
      body: {
        from: '2026-11-02',
        to: '2026-12-02',
        currency: 'EUR',
        components: [
          {
            entityRef: 'component:default/checkout',
            total: 812.5,
            budget: { monthly: 2500, source: 'annotation' },
          },
        ],
      },
    };
    const cost = await sources().sources.costs(
      new Date('2026-12-02T15:00:00Z'),
    );
    expect(cost?.('component:default/checkout')).toEqual({
      total: 812.5,
      currency: 'EUR',
      monthlyBudget: 2500,
    });
    expect(cost?.('component:default/search')).toEqual({
      total: 0,
      currency: 'EUR',
    });
  });

  it('has no cost facts while no component has any cost: the sources have not reported yet', async () => {
    answers['/api/cost/components'] = {
      status: 200,
      body: {
        from: '2026-11-02',
        to: '2026-12-02',
        currency: 'EUR',
        components: [
          {
            entityRef: 'component:default/checkout',
            total: 0,
            budget: { monthly: 2500, source: 'annotation' },
          },
        ],
      },
    };
    const { sources: fresh, logger } = sources();
    expect(await fresh.costs(new Date('2026-12-02T15:00:00Z'))).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('no cost was allocated to any component'),
    );
  });

  it('has no facts from a plugin that cannot be read, and says so once in the log', async () => {
    answers['/api/kube-status/components'] = {
      status: 503,
      body: { error: { name: 'ServiceUnavailableError', message: 'down' } },
    };
    const { sources: unreadable, logger } = sources();
    expect(await unreadable.liveWorkloads()).toBeUndefined();
    // Cost is not installed at all here (404).
    expect(await unreadable.costs(new Date())).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Kubernetes status answered 503'),
    );
  });

  it('reads the scaffolder’s runs of the last twelve weeks with the component each was asked to create', async () => {
    const now = new Date('2026-12-02T12:00:00Z');
    answers['/api/scaffolder/v2/tasks'] = {
      status: 200,
      body: {
        tasks: [
          {
            createdAt: '2026-11-30T09:00:00Z',
            status: 'completed',
            spec: {
              templateInfo: { entityRef: 'template:default/node' },
              parameters: { name: 'basket' },
            },
          },
          // Older than twelve weeks: not counted.
          { createdAt: '2026-08-01T09:00:00Z', status: 'completed' },
        ],
      },
    };
    expect(await sources().sources.templateRuns(now)).toEqual([
      {
        createdAt: '2026-11-30T09:00:00Z',
        status: 'completed',
        templateRef: 'template:default/node',
        componentName: 'basket',
      },
    ]);
  });

  it('finds a component’s first production deployment since its template run, paging to the oldest', async () => {
    const now = new Date('2026-12-02T12:00:00Z');
    const since = new Date('2026-11-02T10:00:00Z');
    const row = (finishedAt: string) => ({ finishedAt });
    answers['/api/dora/deployments'] = query =>
      query.get('cursor')
        ? { items: [row('2026-11-04T09:00:00Z')], totalItems: 2 }
        : {
            items: [row('2026-11-20T09:00:00Z')],
            totalItems: 2,
            nextCursor: 'page-2',
          };
    expect(
      await sources().sources.firstProductionDeployment(
        'component:default/basket',
        since,
        now,
      ),
    ).toEqual(new Date('2026-11-04T09:00:00Z'));
    const first = new URL(requests[0], 'http://localhost').searchParams;
    expect(Object.fromEntries(first)).toEqual({
      entityRef: 'component:default/basket',
      from: since.toISOString(),
      to: now.toISOString(),
      environment: 'production',
      limit: '500',
    });

    answers['/api/dora/deployments'] = () => ({ items: [], totalItems: 0 });
    expect(
      await sources().sources.firstProductionDeployment(
        'component:default/basket',
        since,
        now,
      ),
    ).toBeNull();

    answers['/api/dora/deployments'] = { status: 503, body: { error: {} } };
    expect(
      await sources().sources.firstProductionDeployment(
        'component:default/basket',
        since,
        now,
      ),
    ).toBeUndefined();
  });
});
