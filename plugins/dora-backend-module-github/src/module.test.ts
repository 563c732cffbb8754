import type { AddressInfo } from 'node:net';
import { createHmac, randomUUID } from 'node:crypto';
import { http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import {
  coreServices,
  createServiceFactory,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import doraPlugin from '@paved/plugin-dora-backend';
import examples from '@octokit/webhooks-examples';
import { API_BASE_URL, FakeGithub, TOKEN } from './__testUtils__/fakeGithub';
import { ago, component, paymentsApi } from './__testUtils__/histories';
import { doraModuleGithub } from './module';

jest.setTimeout(60_000);

const secret = 'webhook-secret-for-tests';

/** Recorded example payloads from GitHub's own webhook documentation. */
function example(name: string, match: (payload: any) => boolean = () => true) {
  const found = examples.find(e => e.name === name)?.examples.find(match);
  if (!found) throw new Error(`no ${name} example`);
  return structuredClone(found) as any;
}

const successfulDeployment = () =>
  example('deployment_status', p => p.deployment_status.state === 'success');

const helloWorld = component('hello-world', 'Codertocat/Hello-World');

// GitHub is faked with msw; the test backend itself is reached for real.
const server = setupServer(
  http.all(/^http:\/\/localhost:\d+\//, () => passthrough()),
);
registerMswTestHooks(server);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'GitHub module on %p',
  databaseId => {
    async function start(
      options: {
        entities?: object[];
        config?: Record<string, unknown>;
        scheduler?: SchedulerService;
      } = {},
    ) {
      const knex = await databases.init(databaseId);
      const scheduler = options.scheduler ?? mockServices.scheduler();
      const backend = await startTestBackend({
        features: [
          doraPlugin,
          doraModuleGithub,
          mockServices.database.factory({ knex }),
          // Tasks run only when a test triggers them.
          createServiceFactory({
            service: coreServices.scheduler,
            deps: {},
            factory: () => scheduler,
          }),
          catalogServiceMock.factory({
            entities: (options.entities ?? [helloWorld]) as any[],
          }),
          mockServices.rootConfig.factory({
            data: {
              dora: { github: { webhookSecret: secret } },
              ...options.config,
            },
          }),
        ],
      });
      const { port } = backend.server.address() as AddressInfo;
      const deliver = (
        event: string,
        payload: unknown,
        sign: (body: string) => string | undefined = body =>
          `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        delivery: string = randomUUID(),
      ) => {
        const body = JSON.stringify(payload);
        const signature = sign(body);
        return fetch(`http://localhost:${port}/api/dora/github/webhook`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-event': event,
            'x-github-delivery': delivery,
            ...(signature ? { 'x-hub-signature-256': signature } : {}),
          },
          body,
        });
      };
      const deployments = async (
        entityRef = 'component:default/hello-world',
      ) => {
        const res = await fetch(
          `http://localhost:${port}/api/dora/deployments?entityRef=${entityRef}&from=2015-01-01T00:00:00Z&to=2030-01-01T00:00:00Z`,
          { headers: { authorization: mockCredentials.user.header() } },
        );
        return (await res.json()).items;
      };
      return { backend, deliver, deployments, knex };
    }

    describe('webhook', () => {
      it('turns a signed deployment_status into a deployment of the matching component', async () => {
        const { backend, deliver, deployments } = await start();
        try {
          const payload = successfulDeployment();
          const res = await deliver('deployment_status', payload);
          expect(res.status).toBe(202);
          expect(await res.json()).toEqual({
            accepted: 1,
            unchanged: 0,
            unattributedServices: [],
          });

          const [stored] = await deployments();
          expect(stored).toMatchObject({
            id: `github:codertocat/hello-world:deployment:${payload.deployment.id}`,
            source: 'github',
            entityRef: 'component:default/hello-world',
            commitSha: payload.deployment.sha,
          });

          // The same payload in a new delivery maps to the same event.
          const again = await deliver('deployment_status', payload);
          expect(await again.json()).toMatchObject({
            accepted: 0,
            unchanged: 1,
          });
          expect(await deployments()).toHaveLength(1);
        } finally {
          await backend.stop();
        }
      });

      it('answers a delivery id it already processed as a duplicate without processing it again', async () => {
        const { backend, deliver, deployments } = await start();
        try {
          const payload = successfulDeployment();
          const first = await deliver(
            'deployment_status',
            payload,
            undefined,
            'delivery-1',
          );
          expect(first.status).toBe(202);

          // Same delivery id, different content: had it been processed, the
          // stored deployment would now name another commit.
          const changed = structuredClone(payload);
          changed.deployment.sha = 'c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc';
          const duplicate = await deliver(
            'deployment_status',
            changed,
            undefined,
            'delivery-1',
          );
          expect(duplicate.status).toBe(200);
          expect(await duplicate.json()).toEqual({
            duplicate: true,
            delivery: 'delivery-1',
          });
          expect(await deployments()).toEqual([
            expect.objectContaining({ commitSha: payload.deployment.sha }),
          ]);

          // A new delivery id is processed.
          const next = await deliver(
            'deployment_status',
            changed,
            undefined,
            'delivery-2',
          );
          expect(await next.json()).toMatchObject({ accepted: 1 });
          expect(await deployments()).toEqual([
            expect.objectContaining({ commitSha: changed.deployment.sha }),
          ]);
        } finally {
          await backend.stop();
        }
      });

      it('refuses deliveries with a missing or wrong signature and stores nothing', async () => {
        const { backend, deliver, deployments } = await start();
        try {
          const payload = successfulDeployment();
          expect(
            (await deliver('deployment_status', payload, () => undefined))
              .status,
          ).toBe(401);
          const forged = `sha256=${createHmac('sha256', 'not-the-secret')
            .update(JSON.stringify(payload))
            .digest('hex')}`;
          expect(
            (await deliver('deployment_status', payload, () => forged)).status,
          ).toBe(401);
          expect(await deployments()).toHaveLength(0);
        } finally {
          await backend.stop();
        }
      });

      it('maps pushes, merged pull requests and incident issues, and ignores the rest', async () => {
        const { backend, deliver } = await start();
        try {
          const push = example(
            'push',
            p =>
              p.ref === `refs/heads/${p.repository.default_branch}` &&
              p.commits.length > 0,
          );
          expect(await (await deliver('push', push)).json()).toMatchObject({
            accepted: push.commits.length,
          });

          const merged = example('pull_request', p => p.action === 'closed');
          merged.pull_request = {
            ...merged.pull_request,
            merged: true,
            merge_commit_sha: 'c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc',
            labels: [{ name: 'hotfix' }],
          };
          expect(
            await (await deliver('pull_request', merged)).json(),
          ).toMatchObject({
            accepted: 1,
          });

          const issue = example('issues', p => p.action === 'opened');
          issue.issue = { ...issue.issue, labels: [{ name: 'incident' }] };
          expect(await (await deliver('issues', issue)).json()).toMatchObject({
            accepted: 1,
          });

          const unlabelled = example('issues', p => p.action === 'opened');
          unlabelled.issue = { ...unlabelled.issue, labels: [] };
          const ignored = await deliver('issues', unlabelled);
          expect(ignored.status).toBe(202);
          expect(await ignored.json()).toMatchObject({
            accepted: 0,
            ignored: 'issues',
          });
        } finally {
          await backend.stop();
        }
      });

      it('forgets deliveries after a week on its daily task', async () => {
        const scheduler = mockServices.scheduler();
        const { backend, deliver, knex } = await start({ scheduler });
        try {
          const payload = successfulDeployment();
          await deliver('deployment_status', payload, undefined, 'recent');
          await knex('dora_github_deliveries').insert({
            delivery_id: 'old',
            received_at: new Date(Date.now() - 8 * 24 * 60 * 60_000),
          });

          await scheduler.triggerTask('dora-github-prune-deliveries');

          expect(
            (await knex('dora_github_deliveries').select('delivery_id')).map(
              r => r.delivery_id,
            ),
          ).toEqual(['recent']);
        } finally {
          await backend.stop();
        }
      });
    });

    describe('poller', () => {
      let github: FakeGithub;

      beforeEach(() => {
        github = new FakeGithub();
        server.use(...github.handlers());
      });

      it('polls GitHub on a global schedule into what the DORA plugin computes lead times from', async () => {
        const now = new Date();
        const { repository, commits } = paymentsApi(now);
        github.add(repository);
        const scheduler = mockServices.scheduler();
        const { backend, deliver, deployments } = await start({
          scheduler,
          entities: [component('payments-api', 'fernhill/payments-api')],
          config: {
            dora: {
              github: {
                webhookSecret: secret,
                poll: { enabled: true, frequency: 5 },
              },
            },
            integrations: {
              github: [
                { host: 'github.com', apiBaseUrl: API_BASE_URL, token: TOKEN },
              ],
            },
          },
        });
        try {
          expect(await scheduler.getScheduledTasks()).toContainEqual(
            expect.objectContaining({
              id: 'dora-github-poll',
              scope: 'global',
            }),
          );

          // The webhook saw deployment 103 first; the poll must not add a
          // second copy of it.
          const webhook = successfulDeployment();
          webhook.repository.full_name = 'fernhill/payments-api';
          webhook.deployment = {
            ...webhook.deployment,
            id: 103,
            sha: commits.c4.sha,
            created_at: ago(now, 18),
          };
          webhook.deployment_status = {
            ...webhook.deployment_status,
            created_at: ago(now, 18, 5),
            updated_at: ago(now, 18, 5),
          };
          expect((await deliver('deployment_status', webhook)).status).toBe(
            202,
          );

          await scheduler.triggerTask('dora-github-poll');

          const rows = await deployments('component:default/payments-api');
          expect(rows.map((r: any) => r.id).sort()).toEqual([
            'github:fernhill/payments-api:deployment:100',
            'github:fernhill/payments-api:deployment:102',
            'github:fernhill/payments-api:deployment:103',
          ]);
          const squashDeployment = rows.find((r: any) =>
            r.id.endsWith(':deployment:102'),
          );
          const firstCommitOfPr42 = Date.parse(ago(now, 25));
          expect(squashDeployment.delivered).toContainEqual(
            expect.objectContaining({
              sha: commits.squash.sha,
              labels: ['bug'],
              leadTimeSeconds:
                (Date.parse(squashDeployment.finishedAt) - firstCommitOfPr42) /
                1000,
            }),
          );
          expect(squashDeployment.reworkReasons).toContain('label:bug');
        } finally {
          await backend.stop();
        }
      });
    });
  },
);
