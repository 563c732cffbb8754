import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  latestUpgradeRuns,
  pullRequestOf,
  type ScaffolderTask,
  UpgradeRuns,
} from './UpgradeRuns';

const UPGRADE = 'template:default/upgrade-component';

const task = (
  id: string,
  createdAt: string,
  component: unknown,
  status = 'completed',
  template = UPGRADE,
): ScaffolderTask => ({
  id,
  status,
  createdAt,
  spec: {
    templateInfo: { entityRef: template },
    parameters: { component },
  },
});

/** The upgrade template's completion event, as the scaffolder stores it. */
const completion = (pullRequest: string, repository: string) => [
  { type: 'log', body: { message: 'Merging' } },
  {
    type: 'completion',
    body: {
      message: 'Run completed with status: completed',
      output: {
        links: [
          { title: 'Pull request', url: pullRequest },
          { title: 'Repository', url: repository },
        ],
      },
    },
  },
];

describe('the upgrade runs behind a template-upgrade campaign', () => {
  it('keeps the newest run of the upgrade template per component asked about', () => {
    const runs = latestUpgradeRuns(
      [
        task(
          't4',
          '2026-12-03T10:00:00Z',
          'component:default/basket',
          'failed',
        ),
        task('t3', '2026-12-02T10:00:00Z', 'basket'),
        task('t2', '2026-12-02T09:00:00Z', 'orders'),
        task(
          't1',
          '2026-12-01T10:00:00Z',
          'voucher',
          'completed',
          'template:default/typescript-service',
        ),
        task('t0', '2026-12-01T09:00:00Z', 42),
      ],
      new Set([UPGRADE]),
      new Set(['component:default/basket', 'component:default/voucher']),
    );
    expect(Object.fromEntries(runs)).toEqual({
      'component:default/basket': {
        taskId: 't4',
        status: 'failed',
        createdAt: '2026-12-03T10:00:00Z',
      },
    });
  });

  it('finds the pull request in the completion, not the repository it falls back to', () => {
    expect(
      pullRequestOf(
        completion(
          'https://github.com/acme/basket/pull/7',
          'https://github.com/acme/basket',
        ),
      ),
    ).toBe('https://github.com/acme/basket/pull/7');
    // A publish target without pull requests links the repository twice.
    expect(
      pullRequestOf(
        completion(
          'https://github.com/acme/basket',
          'https://github.com/acme/basket',
        ),
      ),
    ).toBeUndefined();
    expect(
      pullRequestOf(completion(['javascript', 'alert(1)'].join(':'), 'x')),
    ).toBeUndefined();
    expect(pullRequestOf([{ type: 'log', body: {} }])).toBeUndefined();
  });

  describe('read from the scaffolder with the caller’s credentials', () => {
    let server: Server;
    let baseUrl: string;
    let requests: Array<{ path: string; authorization?: string }>;
    let tasks: { status: number; body: unknown };

    beforeAll(async () => {
      server = createServer((req, res) => {
        const url = new URL(req.url ?? '', 'http://localhost');
        requests.push({
          path: url.pathname + url.search,
          authorization: req.headers.authorization,
        });
        let answer: { status: number; body: unknown } = {
          status: 404,
          body: { error: {} },
        };
        if (url.pathname === '/api/scaffolder/v2/tasks') answer = tasks;
        if (url.pathname === '/api/scaffolder/v2/tasks/t3/events') {
          answer = {
            status: 200,
            body: completion(
              'https://github.com/acme/basket/pull/7',
              'https://github.com/acme/basket',
            ),
          };
        }
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise(resolve => server.close(resolve)));
    beforeEach(() => {
      requests = [];
    });

    const upgradeTemplate: Entity = {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'upgrade-component', namespace: 'default' },
      spec: { type: 'upgrade' },
    };
    const runsFrom = (entities: Entity[]) => {
      const logger = mockServices.logger.mock();
      return {
        logger,
        runs: new UpgradeRuns({
          auth: mockServices.auth(),
          discovery: {
            getBaseUrl: async id => `${baseUrl}/api/${id}`,
            getExternalBaseUrl: async id => `${baseUrl}/api/${id}`,
          },
          catalog: catalogServiceMock({ entities }),
          logger,
        }),
      };
    };

    it('answers each run with the pull request of those that completed, asking as the reader', async () => {
      tasks = {
        status: 200,
        body: {
          tasks: [
            task('t5', '2026-12-03T10:00:00Z', 'orders', 'processing'),
            task('t3', '2026-12-02T10:00:00Z', 'basket'),
          ],
        },
      };
      const { runs } = runsFrom([upgradeTemplate]);
      const found = await runs.latest(
        ['component:default/basket', 'component:default/orders'],
        mockCredentials.user('user:default/ada'),
      );
      expect(Object.fromEntries(found)).toEqual({
        'component:default/basket': {
          taskId: 't3',
          status: 'completed',
          createdAt: '2026-12-02T10:00:00Z',
          pullRequestUrl: 'https://github.com/acme/basket/pull/7',
        },
        'component:default/orders': {
          taskId: 't5',
          status: 'processing',
          createdAt: '2026-12-03T10:00:00Z',
        },
      });
      // Only the completed run's events are read; every request is the reader's.
      expect(requests.map(r => r.path)).toEqual([
        '/api/scaffolder/v2/tasks?order=desc:created_at&limit=500',
        '/api/scaffolder/v2/tasks/t3/events',
      ]);
      for (const request of requests) {
        expect(request.authorization).toContain('user:default/ada');
      }
    });

    it('shows no runs, and says why in the log, when the scaffolder cannot be read', async () => {
      tasks = { status: 500, body: { error: { message: 'down' } } };
      const { runs, logger } = runsFrom([upgradeTemplate]);
      const found = await runs.latest(
        ['component:default/basket'],
        mockCredentials.user(),
      );
      expect(found.size).toBe(0);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('the scaffolder answered 500'),
      );
    });

    it('does not ask the scaffolder when the catalog has no upgrade template', async () => {
      const { runs } = runsFrom([]);
      const found = await runs.latest(
        ['component:default/basket'],
        mockCredentials.user(),
      );
      expect(found.size).toBe(0);
      expect(requests).toEqual([]);
    });
  });
});
