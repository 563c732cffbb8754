import type { AddressInfo } from 'node:net';
import { createHmac, randomUUID } from 'node:crypto';
import net from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import type { Knex } from 'knex';
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

const signatureOf = (body: string | Buffer) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** Every DORA fact stored, of any type. */
async function storedFacts(knex: Knex) {
  const counts = await Promise.all(
    ['dora_deployments', 'dora_changes', 'dora_incidents'].map(async table =>
      Number((await knex(table).count({ n: '*' }))[0].n),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** The stored row of a GitHub deployment, as the metrics read it. */
async function storedDeployment(knex: Knex, id: string) {
  const row = await knex('dora_deployments')
    .where({ source: 'github', event_id: id })
    .first();
  return row
    ? {
        status: row.status as string,
        finishedAt: new Date(row.finished_at).toISOString(),
        commits: JSON.parse(row.commits) as string[],
      }
    : undefined;
}

/**
 * Sends a webhook request over a plain socket: the headers and the first
 * part of a body whose rest is never sent. Resolves with the response once
 * the server closes the connection, which it must therefore do without
 * waiting for the whole body.
 */
function sendPartially(
  port: number,
  options: { headers: Record<string, string>; firstPart: string },
) {
  return new Promise<{
    status: number;
    headers: Record<string, string>;
    body: any;
  }>((resolve, reject) => {
    const socket = net.connect(port, 'localhost');
    const received: Buffer[] = [];
    socket.on('data', chunk => received.push(Buffer.from(chunk)));
    // The server may reset while the client is still sending; only a
    // missing response fails the test.
    socket.on('error', () => {});
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map(line => {
          const at = line.indexOf(':');
          return [
            line.slice(0, at).trim().toLowerCase(),
            line.slice(at + 1).trim(),
          ];
        }),
      );
      const status = Number(statusLine.split(' ')[1]);
      if (!status) {
        reject(new Error(`no response: ${JSON.stringify(text)}`));
        return;
      }
      resolve({ status, headers, body: JSON.parse(rest.join('\r\n\r\n')) });
    });
    const chunked = options.headers['transfer-encoding'] === 'chunked';
    const firstPart = chunked
      ? `${Buffer.byteLength(options.firstPart).toString(16)}\r\n${
          options.firstPart
        }\r\n`
      : options.firstPart;
    socket.write(
      [
        'POST /api/dora/github/webhook HTTP/1.1',
        `Host: localhost:${port}`,
        ...Object.entries(options.headers).map(([k, v]) => `${k}: ${v}`),
        '',
        firstPart,
      ].join('\r\n'),
    );
  });
}

const helloWorld = component('hello-world', 'Codertocat/Hello-World');

// GitHub is faked with msw; the test backend itself is reached for real.
const server = setupServer(
  http.all(/^http:\/\/localhost:\d+\//, () => passthrough()),
);
registerMswTestHooks(server);

const databases = TestDatabases.create();

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
      // The window (at most 731 days) holds GitHub's example payloads.
      const deployments = async (
        entityRef = 'component:default/hello-world',
        window = { from: '2018-06-01T00:00:00Z', to: '2020-06-01T00:00:00Z' },
      ) => {
        const res = await fetch(
          `http://localhost:${port}/api/dora/deployments?entityRef=${entityRef}&from=${window.from}&to=${window.to}`,
          { headers: { authorization: mockCredentials.user.header() } },
        );
        return (await res.json()).items;
      };
      const deliverRaw = (
        headers: Record<string, string>,
        body: string | Buffer,
      ) =>
        fetch(`http://localhost:${port}/api/dora/github/webhook`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-delivery': randomUUID(),
            ...headers,
          },
          body,
        });
      return { backend, deliver, deliverRaw, deployments, knex, port };
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

    describe('webhook refusals', () => {
      // Nothing here is stored, so one backend serves every refusal.
      const MAX_BODY_BYTES = 64 * 1024;
      let shared: Awaited<ReturnType<typeof start>>;
      beforeAll(async () => {
        shared = await start({
          config: {
            dora: {
              github: {
                webhookSecret: secret,
                webhookMaxBodyBytes: MAX_BODY_BYTES,
              },
            },
          },
        });
      });
      afterAll(() => shared.backend.stop());
      it.each([
        [
          'a body that never ends',
          { 'transfer-encoding': 'chunked' },
          '{"deployment": ',
        ],
        [
          'a declared gigabyte',
          { 'content-length': String(1024 ** 3) },
          '{"deployment": ',
        ],
      ])(
        'refuses an unsigned delivery with %s before reading the body',
        async (_name, lengthHeaders, firstPart) => {
          const { knex, port } = shared;
          const res = await sendPartially(port, {
            headers: {
              'content-type': 'application/json',
              'x-github-event': 'deployment_status',
              ...lengthHeaders,
            },
            firstPart,
          });
          expect(res.status).toBe(401);
          expect(res.body.error.message).toBe('Missing X-Hub-Signature-256');
          // The unread rest of the body is not drained.
          expect(res.headers.connection).toBe('close');
          expect(await storedFacts(knex)).toBe(0);
        },
      );

      it('refuses a malformed signature header before reading the body', async () => {
        const { port } = shared;
        const res = await sendPartially(port, {
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'deployment_status',
            'x-hub-signature-256': 'sha1=0123',
            'transfer-encoding': 'chunked',
          },
          firstPart: '{',
        });
        expect(res.status).toBe(401);
        expect(res.body.error.message).toMatch(/sha256=<64 hex digits>/);
      });

      it.each([
        ['gzip', gzipSync],
        ['deflate', deflateSync],
      ])(
        'does not inflate a %s body: 415 and nothing stored',
        async (encoding, compress) => {
          const { deliverRaw, knex } = shared;
          const json = JSON.stringify(successfulDeployment());
          const res = await deliverRaw(
            {
              'x-github-event': 'deployment_status',
              'x-hub-signature-256': signatureOf(json),
              'content-encoding': encoding,
            },
            compress(json),
          );
          expect(res.status).toBe(415);
          expect((await res.json()).error.message).toBe(
            `Content-Encoding ${encoding} is not accepted: deliveries are read uncompressed`,
          );
          expect(await storedFacts(knex)).toBe(0);
        },
      );

      it('refuses a body over the configured limit with 413, declared or streamed', async () => {
        const { deliverRaw, knex, port } = shared;
        const payload = successfulDeployment();
        payload.padding = 'x'.repeat(MAX_BODY_BYTES);
        const json = JSON.stringify(payload);
        const declared = await deliverRaw(
          {
            'x-github-event': 'deployment_status',
            'x-hub-signature-256': signatureOf(json),
          },
          json,
        );
        expect(declared.status).toBe(413);
        expect((await declared.json()).error.message).toBe(
          `The delivery body is larger than ${MAX_BODY_BYTES} bytes (dora.github.webhookMaxBodyBytes)`,
        );

        // Without a length, refused once past the limit, before the end.
        const streamed = await sendPartially(port, {
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'deployment_status',
            'x-hub-signature-256': signatureOf(json),
            'transfer-encoding': 'chunked',
          },
          firstPart: json,
        });
        expect(streamed.status).toBe(413);
        expect(await storedFacts(knex)).toBe(0);
      });

      it('verifies the signature over the raw bytes as sent', async () => {
        const { backend, deliverRaw, knex } = await start();
        try {
          const payload = successfulDeployment();
          const pretty = JSON.stringify(payload, null, 2);
          // The same JSON, signed as GitHub would not have sent it.
          const resigned = await deliverRaw(
            {
              'x-github-event': 'deployment_status',
              'x-hub-signature-256': signatureOf(JSON.stringify(payload)),
            },
            pretty,
          );
          expect(resigned.status).toBe(401);
          expect(await storedFacts(knex)).toBe(0);

          const signed = await deliverRaw(
            {
              'x-github-event': 'deployment_status',
              'x-hub-signature-256': signatureOf(pretty),
            },
            pretty,
          );
          expect(signed.status).toBe(202);
          expect(await storedFacts(knex)).toBe(1);
        } finally {
          await backend.stop();
        }
      });

      const deploymentWith = (change: (payload: any) => unknown) => {
        const payload = successfulDeployment();
        change(payload);
        return JSON.stringify(payload);
      };
      const pushWith = (change: (payload: any) => unknown) => {
        const payload = example(
          'push',
          p =>
            p.ref === `refs/heads/${p.repository.default_branch}` &&
            p.commits.length > 0,
        );
        change(payload);
        return JSON.stringify(payload);
      };

      it.each([
        [
          'a body that is not JSON',
          'deployment_status',
          '{"deployment": ',
          'The delivery body is not JSON (the webhook content type must be application/json)',
        ],
        [
          'a JSON array',
          'deployment_status',
          '[]',
          'The deployment_status payload cannot be used: the body must be a JSON object, got an array',
        ],
        [
          'JSON null',
          'push',
          'null',
          'The push payload cannot be used: the body must be a JSON object, got null',
        ],
        [
          'a form-encoded body',
          'deployment_status',
          'payload=%7B%7D',
          'The delivery body is not JSON (the webhook content type must be application/json)',
        ],
        [
          'no deployment',
          'deployment_status',
          deploymentWith(p => delete p.deployment),
          'The deployment_status payload cannot be used: deployment is missing; deployment.id is missing; deployment.created_at is missing; deployment.sha is missing',
        ],
        [
          'no repository',
          'deployment_status',
          deploymentWith(p => delete p.repository),
          'The deployment_status payload cannot be used: repository.full_name is missing',
        ],
        [
          'wrongly typed deployment fields',
          'deployment_status',
          deploymentWith(p => {
            p.deployment.id = 'abc';
            p.deployment_status.created_at = 1557933628;
            p.deployment.sha = 'not a sha';
          }),
          'The deployment_status payload cannot be used: deployment.id must be a positive integer, got "abc"; deployment_status.created_at must be an ISO-8601 timestamp, got number; deployment.sha must be a commit sha (hex), got "not a sha"',
        ],
        [
          'commits that are not a list',
          'push',
          pushWith(p => {
            p.commits = 'c5b97d5';
          }),
          'The push payload cannot be used: commits must be an array, got "c5b97d5"',
        ],
        [
          'a commit without its time',
          'push',
          pushWith(p => {
            p.commits[0].timestamp = 'yesterday';
          }),
          'The push payload cannot be used: commits.0.timestamp must be an ISO-8601 timestamp, got "yesterday"',
        ],
        [
          'a merged pull request numbered with a string',
          'pull_request',
          (() => {
            const merged = example('pull_request', p => p.action === 'closed');
            merged.pull_request = {
              ...merged.pull_request,
              merged: true,
              merge_commit_sha: 'c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc',
              number: '2',
            };
            return JSON.stringify(merged);
          })(),
          'The pull_request payload cannot be used: pull_request.number must be a positive integer, got "2"',
        ],
        [
          'issue labels that are not a list',
          'issues',
          (() => {
            const issue = example('issues', p => p.action === 'opened');
            issue.issue.labels = 'incident';
            return JSON.stringify(issue);
          })(),
          'The issues payload cannot be used: issue.labels must be an array, got "incident"',
        ],
      ])(
        'answers a signed delivery with %s 400 naming what is wrong, storing nothing',
        async (_name, event, body, message) => {
          const { deliverRaw, knex } = shared;
          const res = await deliverRaw(
            {
              'x-github-event': event,
              'x-hub-signature-256': signatureOf(body),
            },
            body,
          );
          expect(res.status).toBe(400);
          expect((await res.json()).error).toEqual({
            name: 'InputError',
            message,
          });
          expect(await storedFacts(knex)).toBe(0);
          // Not recorded as processed: a corrected redelivery is read.
          expect(await knex('dora_github_deliveries')).toEqual([]);
        },
      );

      it('answers signed events it does not use with 202 ignored, whatever their body', async () => {
        const { deliverRaw, knex } = shared;
        for (const [event, body] of [
          ['star', '{"action": "created"}'],
          ['workflow_run', 'not even JSON'],
        ]) {
          const res = await deliverRaw(
            {
              'x-github-event': event,
              'x-hub-signature-256': signatureOf(body),
            },
            body,
          );
          expect(res.status).toBe(202);
          expect(await res.json()).toEqual({
            accepted: 0,
            unchanged: 0,
            ignored: event,
          });
        }
        expect(await storedFacts(knex)).toBe(0);
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

          const rows = await deployments('component:default/payments-api', {
            from: ago(now, 365),
            to: ago(now, -1),
          });
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
              // The pull request's labels: ai-assisted marks it for the AI split.
              labels: ['bug', 'ai-assisted'],
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

      describe('with the webhook', () => {
        const now = new Date();
        const { repository, commits } = paymentsApi(now);
        const squashDeployment = 'github:fernhill/payments-api:deployment:102';

        async function startBoth() {
          github.add(repository);
          const scheduler = mockServices.scheduler();
          const started = await start({
            scheduler,
            entities: [component('payments-api', 'fernhill/payments-api')],
            config: {
              dora: {
                github: { webhookSecret: secret, poll: { enabled: true } },
              },
              integrations: {
                github: [
                  {
                    host: 'github.com',
                    apiBaseUrl: API_BASE_URL,
                    token: TOKEN,
                  },
                ],
              },
            },
          });
          return { ...started, scheduler };
        }

        /** GitHub's deployment_status delivery for deployment 102. */
        const statusOf102 = (state: string, updatedAt: string) => {
          const payload = successfulDeployment();
          payload.repository.full_name = 'fernhill/payments-api';
          payload.deployment = {
            ...payload.deployment,
            id: 102,
            sha: commits.squash.sha,
            environment: 'production',
            created_at: ago(now, 19.5),
          };
          payload.deployment_status = {
            ...payload.deployment_status,
            state,
            environment: 'production',
            created_at: updatedAt,
            updated_at: updatedAt,
          };
          return payload;
        };

        it('a webhook delivery of a polled deployment keeps the commits the poller recorded', async () => {
          const { backend, deliver, knex, scheduler } = await startBoth();
          try {
            await scheduler.triggerTask('dora-github-poll');
            const polled = await storedDeployment(knex, squashDeployment);
            expect(polled?.commits).toEqual([
              commits.c2.sha,
              commits.squash.sha,
            ]);

            // The same success status, as the webhook tells it (no commits).
            const res = await deliver(
              'deployment_status',
              statusOf102('success', ago(now, 19.5, 10)),
            );
            expect(res.status).toBe(202);

            expect(await storedDeployment(knex, squashDeployment)).toEqual(
              polled,
            );
          } finally {
            await backend.stop();
          }
        });

        it('an older status never overwrites a newer one, even replayed under a new delivery id', async () => {
          const { backend, deliver, knex, scheduler } = await startBoth();
          try {
            await scheduler.triggerTask('dora-github-poll');
            // GitHub's later statuses of 102: an error, then a success.
            const failed = statusOf102('error', ago(now, 19, 0));
            const recovered = statusOf102('success', ago(now, 19, 30));
            expect(
              await (await deliver('deployment_status', failed)).json(),
            ).toMatchObject({ accepted: 1 });
            expect(
              await (await deliver('deployment_status', recovered)).json(),
            ).toMatchObject({ accepted: 1 });
            const newest = {
              status: 'success',
              finishedAt: ago(now, 19, 30),
              commits: [commits.c2.sha, commits.squash.sha],
            };
            expect(await storedDeployment(knex, squashDeployment)).toEqual(
              newest,
            );

            // The error replayed under a new delivery id (which the dedupe
            // cannot catch): older than what is stored, so it changes nothing.
            const replay = await deliver('deployment_status', failed);
            expect(replay.status).toBe(202);
            expect(await replay.json()).toMatchObject({
              accepted: 0,
              unchanged: 1,
            });
            expect(await storedDeployment(knex, squashDeployment)).toEqual(
              newest,
            );
          } finally {
            await backend.stop();
          }
        });
      });
    });
  },
);
