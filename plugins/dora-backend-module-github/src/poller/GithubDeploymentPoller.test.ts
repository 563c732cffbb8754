import { setupServer } from 'msw/node';
import {
  mockServices,
  registerMswTestHooks,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { DoraEventSink } from '@paved/plugin-dora-node';
import { GithubSourceStore } from '../database/GithubSourceStore';
import {
  API_BASE_URL,
  FakeGithub,
  rateLimited,
  retryAfter,
  secondaryRateLimited,
  serverError,
  sha,
  TOKEN,
} from '../__testUtils__/fakeGithub';
import {
  ago,
  component,
  ledger,
  paymentsApi,
} from '../__testUtils__/histories';
import { GithubDeploymentPoller } from './GithubDeploymentPoller';

jest.setTimeout(60_000);

const NOW = new Date('2026-11-20T12:00:00Z');
const PAYMENTS = 'component:default/payments-api';
const LEDGER = 'component:default/ledger';

/** Records what the poller hands the DORA plugin. */
class RecordingSink implements DoraEventSink {
  readonly batches: any[][] = [];

  get events() {
    return this.batches.flat();
  }

  eventsOf(type: string, service?: string) {
    return this.events.filter(
      e => e.type === type && (!service || e.service === service),
    );
  }

  async ingest(source: string, events: unknown[]) {
    if (source !== 'github') throw new Error(`unexpected source ${source}`);
    this.batches.push(events);
    return { accepted: events.length, unchanged: 0, unattributedServices: [] };
  }
}

const server = setupServer();
registerMswTestHooks(server);

const databases = TestDatabases.create();

describe.each(databases.eachSupportedId())(
  'GitHub deployment poller on %p',
  databaseId => {
    let github: FakeGithub;

    beforeEach(() => {
      github = new FakeGithub();
      server.use(...github.handlers());
    });

    async function setup(
      repositories = [paymentsApi(NOW).repository],
      options: { organization?: string; catalog?: CatalogService } = {},
    ) {
      repositories.forEach(r => github.add(r));
      const knex = await databases.init(databaseId);
      const store = await GithubSourceStore.create(
        mockServices.database({ knex }),
      );
      const config = mockServices.rootConfig({
        data: {
          integrations: {
            github: [
              { host: 'github.com', apiBaseUrl: API_BASE_URL, token: TOKEN },
            ],
          },
        },
      });
      const integrations = ScmIntegrations.fromConfig(config);
      const sleep = jest.fn(async (_ms: number) => {});
      const logger = mockServices.logger.mock();
      const poller = GithubDeploymentPoller.create({
        catalog:
          options.catalog ??
          catalogServiceMock({
            entities: [
              ...repositories.map(r =>
                component(r.name.toLowerCase(), `${r.owner}/${r.name}`),
              ),
              { ...component('website', ''), metadata: { name: 'website' } },
            ],
          }),
        auth: mockServices.auth(),
        integrations,
        credentials:
          DefaultGithubCredentialsProvider.fromIntegrations(integrations),
        store,
        logger,
        poll: {
          environments: ['production'],
          lookbackDays: 90,
          organization: options.organization,
        },
        sleep,
        now: () => NOW,
      });
      const sink = new RecordingSink();
      await poller.connect(sink);
      return { poller, sink, sleep, store, logger };
    }

    it('emits finished deployments, the commits each delivered and squash-merged pull requests from their first commit', async () => {
      const { poller, sink, store } = await setup();
      const { commits } = paymentsApi(NOW);
      const { c1, c2, squash, c4 } = commits;

      await poller.poll();

      const deployment = (id: number) =>
        sink.events.find(
          e => e.id === `github:fernhill/payments-api:deployment:${id}`,
        );
      expect(
        sink
          .eventsOf('deployment')
          .map(e => e.id)
          .sort(),
      ).toEqual([
        'github:fernhill/payments-api:deployment:100',
        'github:fernhill/payments-api:deployment:101',
        'github:fernhill/payments-api:deployment:102',
        'github:fernhill/payments-api:deployment:103',
      ]);
      // The first deployment in the window has nothing to compare with.
      expect(deployment(100)).toEqual({
        type: 'deployment',
        id: 'github:fernhill/payments-api:deployment:100',
        service: PAYMENTS,
        environment: 'production',
        status: 'success',
        startedAt: ago(NOW, 39),
        finishedAt: ago(NOW, 39, 10), // the success, not the later inactive
        observedAt: ago(NOW, 39, 10),
        commitSha: c1.sha,
        commits: [],
      });
      // `error` is a failure; failures deliver nothing.
      expect(deployment(101)).toEqual({
        type: 'deployment',
        id: 'github:fernhill/payments-api:deployment:101',
        service: PAYMENTS,
        environment: 'production',
        status: 'failure',
        startedAt: ago(NOW, 29),
        finishedAt: ago(NOW, 29, 10),
        observedAt: ago(NOW, 29, 10),
        commitSha: c2.sha,
      });
      // Compared with the previous *successful* deployment (100).
      expect(deployment(102)).toMatchObject({
        status: 'success',
        commitSha: squash.sha,
        commits: [c2.sha, squash.sha],
      });
      expect(deployment(103)).toMatchObject({ commits: [c4.sha] });

      expect(
        sink
          .eventsOf('change')
          .sort((a, b) => a.authoredAt.localeCompare(b.authoredAt)),
      ).toEqual([
        {
          type: 'change',
          id: `github:fernhill/payments-api:commit:${c2.sha}`,
          service: PAYMENTS,
          sha: c2.sha,
          authoredAt: c2.authoredAt,
        },
        {
          type: 'change',
          id: `github:fernhill/payments-api:commit:${squash.sha}`,
          service: PAYMENTS,
          sha: squash.sha,
          // The squash commit is 20 days old, its pull request's first
          // commit 25: lead time starts there.
          authoredAt: ago(NOW, 25),
          prNumber: 42,
          labels: ['bug', 'ai-assisted'],
        },
        {
          type: 'change',
          id: `github:fernhill/payments-api:commit:${c4.sha}`,
          service: PAYMENTS,
          sha: c4.sha,
          authoredAt: c4.authoredAt,
        },
      ]);

      // 104 is still in progress: the cursor stops at 103.
      expect(
        await store.getCursor('fernhill/payments-api', 'production'),
      ).toEqual({
        deploymentId: 103,
        deploymentCreatedAt: new Date(ago(NOW, 18)),
        baseSha: c4.sha,
      });
      // Only production was asked for, with the token from integrations.
      expect(github.requestsTo(/\/deployments\?/)).toEqual([
        'GET /repos/fernhill/payments-api/deployments?environment=production&per_page=100',
      ]);
    });

    it('resumes from the cursor: old deployments are not read again', async () => {
      const { poller, sink } = await setup();
      await poller.poll();
      const firstRun = sink.events.length;

      // 104 finishes; a new commit is deployed by 106.
      const repository = github.repositories.get('fernhill/payments-api')!;
      repository.deployments[4].statuses.push({
        state: 'success',
        createdAt: ago(NOW, 0, -10),
      });
      const c6 = {
        sha: sha('c6'),
        message: 'Add refunds',
        authoredAt: ago(NOW, 0, -30),
      };
      repository.history.push(c6);
      repository.deployments.push({
        id: 106,
        sha: c6.sha,
        environment: 'production',
        createdAt: ago(NOW, 0, -20),
        statuses: [{ state: 'success', createdAt: ago(NOW, 0, -15) }],
      });
      github.requests.length = 0;

      await poller.poll();

      const { c4, c5 } = paymentsApi(NOW).commits;
      const secondRun = sink.events.slice(firstRun);
      expect(secondRun.map(e => e.id).sort()).toEqual(
        [
          'github:fernhill/payments-api:deployment:104',
          'github:fernhill/payments-api:deployment:106',
          `github:fernhill/payments-api:commit:${c5.sha}`,
          `github:fernhill/payments-api:commit:${c6.sha}`,
        ].sort(),
      );
      expect(
        secondRun.find(e => e.id.endsWith(':deployment:104')).commits,
      ).toEqual([c5.sha]);
      expect(github.requestsTo(/statuses|compare/)).toEqual([
        'GET /repos/fernhill/payments-api/deployments/104/statuses?per_page=100',
        `GET /repos/fernhill/payments-api/compare/${c4.sha}...${c5.sha}?per_page=100&page=1`,
        'GET /repos/fernhill/payments-api/deployments/106/statuses?per_page=100',
        `GET /repos/fernhill/payments-api/compare/${c5.sha}...${c6.sha}?per_page=100&page=1`,
      ]);

      // Nothing new: nothing is sent.
      const batches = sink.batches.length;
      await poller.poll();
      expect(sink.batches.length).toBe(batches);
    });

    it('pages a compare past 250 commits and sends batches of at most 1000 events', async () => {
      const history = Array.from({ length: 1101 }, (_, i) => ({
        sha: sha(`big-${i}`),
        message: `Change ${i}`,
        authoredAt: ago(NOW, 30, i),
      }));
      const { poller, sink } = await setup([
        {
          owner: 'fernhill',
          name: 'payments-api',
          history,
          deployments: [
            {
              id: 1,
              sha: history[0].sha,
              environment: 'production',
              createdAt: ago(NOW, 30),
              statuses: [{ state: 'success', createdAt: ago(NOW, 30, 1) }],
            },
            {
              id: 2,
              sha: history[1100].sha,
              environment: 'production',
              createdAt: ago(NOW, 2),
              statuses: [{ state: 'success', createdAt: ago(NOW, 2, 1) }],
            },
          ],
          pulls: [],
        },
      ]);

      await poller.poll();

      const delivered = history.slice(1).map(c => c.sha);
      expect(
        sink.events.find(e => e.id.endsWith(':deployment:2')).commits,
      ).toEqual(delivered);
      expect(
        sink
          .eventsOf('change')
          .map(e => e.sha)
          .sort(),
      ).toEqual([...delivered].sort());
      expect(github.requestsTo(/compare/)).toHaveLength(11);
      expect(sink.batches.map(b => b.length)).toEqual([1000, 102]);
    });

    it.each([
      [
        'a primary rate limit (x-ratelimit-remaining 0) until its reset',
        rateLimited(NOW.getTime() / 1000 + 120),
        121_000,
      ],
      [
        'a reset further away than the longest wait, in waits of 15 minutes',
        rateLimited(NOW.getTime() / 1000 + 3600),
        15 * 60_000,
      ],
      ['retry-after', retryAfter(30), 30_000],
      ['a secondary rate limit', secondaryRateLimited(), 60_000],
    ])('waits out %s and completes', async (_name, limited, expectedWait) => {
      const { poller, sink, sleep, store } = await setup();
      github.fail(/\/deployments\?/, limited);

      await poller.poll();

      expect(sleep.mock.calls).toEqual([[expectedWait]]);
      expect(github.requestsTo(/\/deployments\?/)).toHaveLength(2);
      expect(sink.eventsOf('deployment')).toHaveLength(4);
      expect(sink.eventsOf('change')).toHaveLength(3);
      expect(
        await store.getCursor('fernhill/payments-api', 'production'),
      ).toMatchObject({ deploymentId: 103 });
    });

    it('retries a 5xx with backoff and completes', async () => {
      const { poller, sink, sleep } = await setup();
      github.fail(/deployments\/102\/statuses/, serverError(502), 2);

      await poller.poll();

      expect(sleep.mock.calls).toEqual([[2_000], [4_000]]);
      expect(sink.eventsOf('deployment')).toHaveLength(4);
      expect(sink.eventsOf('change')).toHaveLength(3);
    });

    it('gives up on a repository that keeps failing for this run, polls the others and keeps its cursor', async () => {
      const { poller, sink, sleep, store } = await setup([
        paymentsApi(NOW).repository,
        ledger(NOW).repository,
      ]);
      github.fail(/payments-api\/compare/, serverError(503), 4);

      await poller.poll();

      expect(sleep.mock.calls).toEqual([[2_000], [4_000], [8_000]]);
      expect(sink.eventsOf('deployment', PAYMENTS)).toEqual([]);
      expect(sink.eventsOf('change', PAYMENTS)).toEqual([]);
      expect(sink.eventsOf('deployment', LEDGER).map(e => e.id)).toEqual([
        'github:fernhill/ledger:deployment:200',
        'github:fernhill/ledger:deployment:201',
      ]);
      expect(sink.eventsOf('change', LEDGER)).toHaveLength(2);
      expect(
        await store.getCursor('fernhill/payments-api', 'production'),
      ).toBeUndefined();
      expect(
        await store.getCursor('fernhill/ledger', 'production'),
      ).toMatchObject({ deploymentId: 201 });

      // GitHub recovers: the next run reads payments-api from the start.
      await poller.poll();
      expect(sink.eventsOf('deployment', PAYMENTS)).toHaveLength(4);
      expect(
        await store.getCursor('fernhill/payments-api', 'production'),
      ).toMatchObject({ deploymentId: 103 });
    });

    it('passes over a deployment that never finished within a day', async () => {
      const { repository } = paymentsApi(NOW);
      repository.deployments[1].statuses = [
        { state: 'pending', createdAt: ago(NOW, 29, 1) },
      ];
      const { poller, sink, store } = await setup([repository]);

      await poller.poll();

      expect(sink.eventsOf('deployment').map(e => e.id)).not.toContain(
        'github:fernhill/payments-api:deployment:101',
      );
      expect(sink.eventsOf('deployment')).toHaveLength(3);
      expect(
        await store.getCursor('fernhill/payments-api', 'production'),
      ).toMatchObject({ deploymentId: 103 });
    });

    it("skips repositories outside the configured organisation: never read with the portal's credentials, logged once", async () => {
      const elsewhere = {
        ...ledger(NOW).repository,
        owner: 'someone-else',
        name: 'wallet',
      };
      const { poller, sink, store, logger } = await setup(
        [paymentsApi(NOW).repository, ledger(NOW).repository, elsewhere],
        { organization: 'fernhill' },
      );

      await poller.poll();
      await poller.poll();

      // Fernhill/Ledger is in the organisation: owners compare
      // case-insensitively, as GitHub's do.
      expect(new Set(sink.eventsOf('deployment').map(e => e.service))).toEqual(
        new Set([PAYMENTS, LEDGER]),
      );
      expect(github.requests.filter(r => r.includes('someone-else'))).toEqual(
        [],
      );
      expect(
        await store.getCursor('someone-else/wallet', 'production'),
      ).toBeUndefined();
      const skipped = logger.warn.mock.calls.filter(([message]) =>
        String(message).includes('someone-else/wallet'),
      );
      expect(skipped).toEqual([
        [
          'component:default/wallet: someone-else/wallet is not in the GitHub organisation fernhill; not polled',
        ],
      ]);
    });

    it('does not retry a 403 that is not a rate limit', async () => {
      const { poller, sink, sleep, store } = await setup();
      github.fail(/\/deployments\?/, () =>
        Response.json(
          { message: 'Resource not accessible by integration' },
          { status: 403 },
        ),
      );

      await poller.poll();

      expect(sleep).not.toHaveBeenCalled();
      expect(sink.events).toEqual([]);
      expect(
        await store.getCursor('fernhill/payments-api', 'production'),
      ).toBeUndefined();
    });

    it('ends the run as unavailable (503) when the catalog fails, polling nothing', async () => {
      const catalog = catalogServiceMock.mock({
        queryEntities: jest.fn().mockRejectedValue(new Error('catalog down')),
      });
      const { poller, sink } = await setup(undefined, { catalog });
      await expect(poller.poll()).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining('catalog down'),
      });
      expect(sink.events).toEqual([]);
    });
  },
);
