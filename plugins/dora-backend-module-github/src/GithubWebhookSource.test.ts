import type { AddressInfo } from 'node:net';
import { createHmac, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The module is tested inside the plugin it extends, as module.test.ts is.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import doraPlugin from '@paved/plugin-dora-backend';
import examples from '@octokit/webhooks-examples';
import { component } from './__testUtils__/histories';
import { doraModuleGithub } from './module';

jest.setTimeout(60_000);

const secret = 'webhook-secret-for-tests';

/** GitHub's own example of a successful deployment_status delivery. */
function successfulDeployment() {
  const found = examples
    .find(e => e.name === 'deployment_status')
    ?.examples.find((p: any) => p.deployment_status.state === 'success');
  if (!found) throw new Error('no deployment_status example');
  return structuredClone(found) as any;
}

const databases = TestDatabases.create();

/** A backend with the DORA plugin and the GitHub module: one replica. */
async function startReplica(knex: Knex) {
  const backend = await startTestBackend({
    features: [
      doraPlugin,
      doraModuleGithub,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({
        entities: [component('hello-world', 'Codertocat/Hello-World')] as any[],
      }),
      mockServices.rootConfig.factory({
        data: { dora: { github: { webhookSecret: secret } } },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const deliver = async (delivery: string, payload: unknown) => {
    const body = JSON.stringify(payload);
    const res = await fetch(
      `http://localhost:${port}/api/dora/github/webhook`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'deployment_status',
          'x-github-delivery': delivery,
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret)
            .update(body)
            .digest('hex')}`,
        },
        body,
      },
    );
    return { status: res.status, body: await res.json() };
  };
  return { backend, deliver };
}

describe.each(databases.eachSupportedId())(
  'GitHub webhook at several replicas on %p',
  databaseId => {
    it('processes a delivery that reaches two replicas at once exactly once, and answers the other as a duplicate', async () => {
      const knex = await databases.init(databaseId);
      const a = await startReplica(knex);
      const b = await startReplica(knex);
      try {
        for (let i = 0; i < 10; i++) {
          const payload = successfulDeployment();
          payload.deployment.id = 1000 + i;
          const delivery = randomUUID();
          const answers = await Promise.all([
            a.deliver(delivery, payload),
            b.deliver(delivery, payload),
          ]);
          const byStatus = answers.sort((x, y) => x.status - y.status);
          expect(byStatus).toEqual([
            { status: 200, body: { duplicate: true, delivery } },
            {
              status: 202,
              body: { accepted: 1, unchanged: 0, unattributedServices: [] },
            },
          ]);
        }
        expect(
          Number((await knex('dora_deployments').count({ n: '*' }))[0].n),
        ).toBe(10);
      } finally {
        await a.backend.stop();
        await b.backend.stop();
      }
    });
  },
);
