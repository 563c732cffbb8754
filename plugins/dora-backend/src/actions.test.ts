import type { Entity } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { registerDoraActions } from './actions';
import { DatabaseDoraStore } from './database/DatabaseDoraStore';
import { defaultMetricRules } from './metrics/computeMetrics';
import { DoraMetricsService } from './service/DoraMetricsService';
import { DoraEventIngestor } from './service/DoraEventIngestor';
import { catalogAsSeenBy } from './testUtils/catalogAsSeenBy';

jest.setTimeout(60_000);

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner: 'checkout', lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/checkout' }],
});

const OUTSIDER = 'user:default/outsider';

describe('DORA actions', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setUp() {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseDoraStore.create({
      database: mockServices.database({ knex }),
    });
    const catalog = catalogAsSeenBy(
      [
        component('checkout-service'),
        component('secret-service'),
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'checkout', namespace: 'default' },
          spec: { type: 'team', children: [] },
        },
      ],
      { [OUTSIDER]: ['component:default/secret-service'] },
    );
    const auth = mockServices.auth();
    const metrics = DoraMetricsService.create({
      store,
      catalog,
      auth,
      logger: mockServices.logger.mock(),
      rules: {
        incidentAttributionWindowMs:
          defaultMetricRules.incidentAttributionWindowMs,
        reworkLabels: defaultMetricRules.reworkLabels,
      },
    });
    const ingestor = DoraEventIngestor.create({
      store,
      catalog,
      auth,
      onStored: () => {},
    });
    await ingestor.ingest(
      'ci',
      ['checkout-service', 'secret-service'].flatMap(service =>
        Array.from({ length: 3 }, (_, i) => ({
          type: 'deployment',
          id: `${service}-${i}`,
          service,
          environment: 'production',
          status: 'success',
          startedAt: `2026-10-0${i + 1}T09:00:00Z`,
          finishedAt: `2026-10-0${i + 1}T10:00:00Z`,
          commitSha: 'abc1234',
        })),
      ),
    );
    const registry = actionsRegistryServiceMock();
    registerDoraActions(registry, metrics);
    return registry;
  }

  const window = { from: '2026-10-01T00:00:00Z', to: '2026-10-31T00:00:00Z' };

  it("answers with the caller's view of the catalog", async () => {
    const registry = await setUp();
    const asOutsider = mockCredentials.user(OUTSIDER);
    const team = await registry.invoke({
      id: 'test:get-dora-metrics',
      input: { ...window, entityRef: 'group:default/checkout' },
      credentials: asOutsider,
    });
    expect(team.output).toMatchObject({
      metrics: { deploymentFrequency: { deployments: 3 } },
    });
    await expect(
      registry.invoke({
        id: 'test:get-dora-metrics',
        input: { ...window, entityRef: 'component:default/secret-service' },
        credentials: asOutsider,
      }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'No entity component:default/secret-service in the catalog',
    });
    const teammate = await registry.invoke({
      id: 'test:get-dora-metrics',
      input: { ...window, entityRef: 'group:default/checkout' },
      credentials: mockCredentials.user('user:default/teammate'),
    });
    expect(teammate.output).toMatchObject({
      metrics: { deploymentFrequency: { deployments: 6 } },
    });
    // No change is known yet, AI-assisted or not: both sides are empty.
    const split = await registry.invoke({
      id: 'test:get-ai-split',
      input: { ...window, entityRef: 'group:default/checkout' },
      credentials: asOutsider,
    });
    expect(split.output).toMatchObject({
      split: { aiAssisted: { changes: 0 }, other: { changes: 0 } },
    });
    await expect(
      registry.invoke({
        id: 'test:get-ai-split',
        input: { ...window, entityRef: 'component:default/secret-service' },
        credentials: asOutsider,
      }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    const list = await registry.invoke({
      id: 'test:list-dora-deployments',
      input: { ...window },
      credentials: asOutsider,
    });
    expect(list.output).toMatchObject({
      totalItems: 3,
      deployments: [
        { id: 'checkout-service-2' },
        { id: 'checkout-service-1' },
        { id: 'checkout-service-0' },
      ],
    });
  });

  it('refuses the same bad windows as the HTTP API', async () => {
    const registry = await setUp();
    const credentials = mockCredentials.user();
    for (const [input, message] of [
      [{ from: '2026-10-01' }, /^from must be an ISO-8601 timestamp/],
      [{ ...window, to: '2026-10-31T00:00:00' }, /^to must be/],
      [
        { from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
        /longer than 731 days/,
      ],
      [{ ...window, entityRef: 'api:default/orders' }, /^entityRef must name/],
    ] as const) {
      for (const id of [
        'test:get-dora-metrics',
        'test:list-dora-deployments',
      ]) {
        await expect(
          registry.invoke({ id, input: { ...input }, credentials }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(message),
        });
      }
    }
    await expect(
      registry.invoke({
        id: 'test:list-dora-deployments',
        input: { ...window, cursor: 'not-ours' },
        credentials,
      }),
    ).rejects.toMatchObject({ name: 'InputError', message: /^cursor/ });
  });
});
