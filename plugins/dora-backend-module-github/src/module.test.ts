import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import doraPlugin from '@paved/plugin-dora-backend';
import examples from '@octokit/webhooks-examples';
import { doraModuleGithub } from './module';

jest.setTimeout(60_000);

const secret = 'webhook-secret-for-tests';

/** Recorded example payloads from GitHub's own webhook documentation. */
function example(name: string, match: (payload: any) => boolean = () => true) {
  const found = examples.find(e => e.name === name)?.examples.find(match);
  if (!found) throw new Error(`no ${name} example`);
  return found as any;
}

const helloWorld = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'hello-world',
    namespace: 'default',
    annotations: { 'github.com/project-slug': 'Codertocat/Hello-World' },
  },
  spec: { type: 'service', owner: 'octocats', lifecycle: 'production' },
};

describe('GitHub webhook source', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function start() {
    const knex = await databases.init('SQLITE_3');
    const backend = await startTestBackend({
      features: [
        doraPlugin,
        doraModuleGithub,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: [helloWorld] }),
        mockServices.rootConfig.factory({
          data: { dora: { github: { webhookSecret: secret } } },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    const deliver = (
      event: string,
      payload: unknown,
      sign: (body: string) => string | undefined = body =>
        `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      delivery = 'delivery-1',
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
    const deployments = async () => {
      const res = await fetch(
        `http://localhost:${port}/api/dora/deployments?entityRef=component:default/hello-world&from=2015-01-01T00:00:00Z&to=2030-01-01T00:00:00Z`,
        { headers: { authorization: mockCredentials.user.header() } },
      );
      return (await res.json()).items;
    };
    return { backend, deliver, deployments };
  }

  it('turns a signed deployment_status into a deployment of the matching component', async () => {
    const { backend, deliver, deployments } = await start();
    try {
      const payload = example(
        'deployment_status',
        p => p.deployment_status.state === 'success',
      );
      const res = await deliver('deployment_status', payload);
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({
        accepted: 1,
        unchanged: 0,
        unattributedServices: [],
      });

      const [stored] = await deployments();
      expect(stored).toMatchObject({
        id: `deployment-${payload.deployment.id}`,
        source: 'github',
        entityRef: 'component:default/hello-world',
        commitSha: payload.deployment.sha,
      });

      // A re-delivery of the same payload changes nothing.
      const again = await deliver(
        'deployment_status',
        payload,
        undefined,
        'delivery-1',
      );
      expect(await again.json()).toMatchObject({ accepted: 0, unchanged: 1 });
      expect(await deployments()).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });

  it('refuses deliveries with a missing or wrong signature and stores nothing', async () => {
    const { backend, deliver, deployments } = await start();
    try {
      const payload = example(
        'deployment_status',
        p => p.deployment_status.state === 'success',
      );
      expect(
        (await deliver('deployment_status', payload, () => undefined)).status,
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
});
