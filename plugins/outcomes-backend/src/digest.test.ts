import type { AddressInfo } from 'node:net';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import knexFactory from 'knex';
import { DIGEST_TOPIC, digestText, digestWeeks } from './service/WeeklyDigest';
import { outcomesPlugin } from './plugin';

// The digest runs the real DORA, cost and Kubernetes status plugins beside
// outcomes and the notifications backend, as the portal's backend does.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import costPlugin from '@paved/plugin-cost-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import doraPlugin from '@paved/plugin-dora-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import kubeStatusPlugin from '@paved/plugin-kube-status-backend';

jest.setTimeout(120_000);

const LEAD = 'user:default/lead';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments', namespace: 'default', title: 'Payments' },
    spec: { type: 'team', children: [] },
    relations: [{ type: 'hasMember', targetRef: LEAD }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'lead', namespace: 'default' },
    spec: { memberOf: ['payments'] },
    relations: [{ type: 'memberOf', targetRef: 'group:default/payments' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'ledger', namespace: 'default' },
    spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  },
];

describe('the weekly digest', () => {
  it('is about the seven full days before today, and the two weeks before', () => {
    expect(digestWeeks(new Date('2026-12-07T07:00:00Z'))).toEqual([
      { from: '2026-11-30', to: '2026-12-07' },
      { from: '2026-11-23', to: '2026-11-30' },
      { from: '2026-11-16', to: '2026-11-23' },
    ]);
  });

  it('says the week in words, with the changes and the signals', () => {
    const measure = (value: number | null, previous: number | null) => ({
      value,
      previous,
      change: value !== null && previous ? (value - previous) / previous : null,
      verdict: null,
      n: 1,
    });
    expect(
      digestText(
        {
          entityRef: 'group:default/payments',
          speed: {
            changeLeadTime: measure(7200, 14400),
            deploymentFrequency: measure(2, 1),
            failedDeploymentRecoveryTime: measure(null, null),
          },
          stability: {
            changeFailRate: measure(0.3, 0.1),
            deploymentReworkRate: measure(0.05, 0.05),
          },
          cost: {
            total: measure(420, 400),
            perDeployment: measure(30, 57),
            perChange: measure(null, null),
            perRequest: measure(null, null),
          },
          signals: [
            {
              rule: 'speed-without-stability',
              tone: 'warning',
              title: 'Speed is hiding instability',
              message: '',
              evidence: [],
              drillDown: { view: 'delivery', entityRef: null },
            },
          ],
        },
        'EUR',
      ),
    ).toBe(
      'Deployments 2 a day (+100 %), lead time 2 h (−50 %), cost €420.00 (+5 %), change fail rate 30 % (+20 pts), rework 5 % (+0 pts). Signals: Speed is hiding instability.',
    );
  });

  // Two replicas share one database server only with PostgreSQL: each
  // plugin gets its own database there, as in production.
  const postgres =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  it('reaches each member of a team once, with two backends on one PostgreSQL', async () => {
    if (!postgres) {
      throw new Error(
        'needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (./paved test sets it)',
      );
    }
    const prefix = `paved_digest_${process.pid}_`;
    const start = () =>
      startTestBackend({
        features: [
          doraPlugin,
          costPlugin,
          kubeStatusPlugin,
          notificationsPlugin,
          outcomesPlugin,
          catalogServiceMock.factory({ entities }),
          // The real database and scheduler: each plugin's database on the
          // server, global tasks locked there across both backends.
          databaseServiceFactory,
          schedulerServiceFactory,
          mockServices.rootConfig.factory({
            data: {
              app: { baseUrl: 'http://localhost:3000' },
              backend: {
                database: { client: 'pg', connection: postgres, prefix },
              },
              outcomes: {
                digest: {
                  schedule: {
                    frequency: { minutes: 60 },
                    timeout: { minutes: 1 },
                    initialDelay: { seconds: 1 },
                  },
                },
              },
            },
          }),
        ],
      });
    // One after the other, as a rolling deployment starts replicas (the
    // first runs the migrations).
    const backends = [await start(), await start()];
    try {
      const { port } = backends[0].server.address() as AddressInfo;
      const digests = async () => {
        const res = await fetch(
          `http://localhost:${port}/api/notifications/notifications`,
          { headers: { authorization: mockCredentials.user.header(LEAD) } },
        );
        const body = await res.json();
        return (body.notifications as Array<{ payload: any }>).filter(
          n => n.payload.topic === DIGEST_TOPIC,
        );
      };
      const deadline = Date.now() + 60_000;
      while ((await digests()).length === 0 && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 500));
      }
      // Both backends scheduled the task; give the second every chance.
      await new Promise(resolve => setTimeout(resolve, 4000));
      const received = await digests();
      expect(received).toHaveLength(1);
      expect(received[0].payload).toMatchObject({
        title: expect.stringMatching(/^Payments: your week in delivery/),
        link: '/catalog/default/group/payments/outcomes',
        description: expect.stringMatching(/^No deployments\./),
      });
    } finally {
      await Promise.all(backends.map(b => b.stop()));
      await dropDatabases(postgres!, prefix);
    }
  });
});

/** The per-plugin databases a run created. */
async function dropDatabases(connection: string, prefix: string) {
  const knex = knexFactory({ client: 'pg', connection });
  try {
    const { rows } = await knex.raw(
      'select datname from pg_database where datname like ?',
      [`${prefix}%`],
    );
    for (const { datname } of rows) {
      await knex.raw('drop database if exists ?? with (force)', [datname]);
    }
  } finally {
    await knex.destroy();
  }
}
