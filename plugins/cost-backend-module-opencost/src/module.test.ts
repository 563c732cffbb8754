import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { CostSource, costSourcesExtensionPoint } from '@paved/plugin-cost-node';
import {
  LocalOpenCost,
  RunningOpenCost,
  loadScenario,
} from '@paved/opencost-local';
import { InMemoryCostSink } from '@paved/plugin-cost-node/testUtils';
import { OpenCostClusterSource } from './OpenCostClusterSource';
import { costModuleOpencost } from './module';

jest.setTimeout(60_000);

// Thursday afternoon; the local OpenCost has data up to now.
const NOW = new Date('2026-11-26T15:00:00Z');
const TOKEN = 'local-opencost-token';
const CLUSTERS = ['eu-west-prod', 'eu-west-nonprod'];

describe('OpenCost against the local stand-in', () => {
  let opencost: RunningOpenCost;

  beforeAll(async () => {
    opencost = await LocalOpenCost.start({
      scenario: loadScenario(),
      token: TOKEN,
      now: () => NOW,
    });
  });
  afterAll(() => opencost.stop());

  function clusterSource(
    name: string,
    { token }: { token?: string } = { token: TOKEN },
  ) {
    return OpenCostClusterSource.create({
      cluster: {
        name,
        baseUrl: opencost.clusterUrls[name],
        token,
        aggregate: 'cluster,namespace,controllerKind,controller',
      },
      logger: mockServices.logger.mock(),
      backfillDays: 7,
      finalAfterHours: 48,
      now: () => NOW,
    });
  }

  async function accumulatedTotal(cluster: string) {
    const query = new URLSearchParams({
      window: '2026-11-20T00:00:00Z,2026-11-27T00:00:00Z',
      aggregate: 'cluster',
      includeIdle: 'true',
      accumulate: 'true',
    });
    const res = await fetch(
      `${opencost.clusterUrls[cluster]}/allocation?${query}`,
      { headers: { authorization: `Bearer ${TOKEN}` } },
    );
    const [set] = (await res.json()).data;
    // Allocation JSON of the stand-in; only totalCost is read.
    return Object.values<any>(set).reduce((s, a) => s + a.totalCost, 0);
  }

  it.each(CLUSTERS)(
    'pulls a week of %s whose total is OpenCost’s accumulated total',
    async cluster => {
      const sink = new InMemoryCostSink();
      const source = clusterSource(cluster);
      await source.connect(sink);
      const summary = await source.pull();
      expect(summary.failed).toEqual([]);
      expect(sink.days(source.id)).toEqual([
        '2026-11-20',
        '2026-11-21',
        '2026-11-22',
        '2026-11-23',
        '2026-11-24',
        '2026-11-25',
        '2026-11-26',
      ]);
      // Days ended 48 hours ago are final; the last two are pulled again.
      expect(
        [
          ...(await sink.finalDays(source.id, '2026-11-01', '2026-12-01')),
        ].sort(),
      ).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23']);

      const records = sink.records(source.id);
      const total = records.reduce((s, r) => s + r.effectiveCost, 0);
      expect(Math.abs(total - (await accumulatedTotal(cluster)))).toBeLessThan(
        0.01,
      );
      expect(records.filter(r => r.kind === 'idle')).toHaveLength(7);
      expect(records.some(r => r.namespace === 'kube-system')).toBe(true);
      // Multi-replica workloads keep their labels for attribution.
      const checkout = records.filter(r => r.controller === 'checkout-service');
      expect(checkout.length).toBeGreaterThanOrEqual(7);
      expect(checkout.every(r => r.labels.app === 'checkout-service')).toBe(
        true,
      );
      expect(
        records.every(r => r.cluster === cluster && r.day >= '2026-11-20'),
      ).toBe(true);
    },
  );

  it('abandons a request OpenCost never answers after the configured timeout, and pulls again once it answers', async () => {
    const sink = new InMemoryCostSink();
    const source = OpenCostClusterSource.create({
      cluster: {
        name: CLUSTERS[0],
        baseUrl: opencost.clusterUrls[CLUSTERS[0]],
        token: TOKEN,
        aggregate: 'cluster,namespace,controllerKind,controller',
        requestTimeoutMs: 300,
      },
      logger: mockServices.logger.mock(),
      backfillDays: 2,
      finalAfterHours: 48,
      now: () => NOW,
    });
    await source.connect(sink);
    opencost.setFault({ kind: 'timeout' });
    const started = Date.now();
    let hung;
    try {
      hung = await source.pull();
    } finally {
      opencost.setFault(undefined);
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(hung.failed.length).toBeGreaterThan(0);
    expect(sink.days(source.id)).toEqual([]);

    const again = await source.pull();
    expect(again.failed).toEqual([]);
    expect(sink.days(source.id)).toEqual(['2026-11-25', '2026-11-26']);
  });

  it('sends the token as a bearer token (and fails without it)', async () => {
    const sink = new InMemoryCostSink();
    const anonymous = clusterSource('eu-west-prod', {});
    await anonymous.connect(sink);
    const summary = await anonymous.pull();
    expect(summary.stored).toEqual([]);
    expect(summary.failed).toHaveLength(7);
    expect(sink.calls).toHaveLength(0);
  });

  it('registers one source per cluster and pulls them all, even when one is down', async () => {
    const registered: CostSource[] = [];
    // The cost backend's side of the extension point, reduced to a list.
    const costPluginStandIn = createBackendPlugin({
      pluginId: 'cost',
      register(env) {
        env.registerExtensionPoint(costSourcesExtensionPoint, {
          addSource: source => registered.push(source),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
    const scheduler = mockServices.scheduler();
    const logger = mockServices.logger.mock();
    await startTestBackend({
      features: [
        costPluginStandIn,
        costModuleOpencost,
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => scheduler,
        }),
        createServiceFactory({
          service: coreServices.logger,
          deps: {},
          factory: () => logger,
        }),
        mockServices.rootConfig.factory({
          data: {
            cost: {
              opencost: {
                backfillDays: 2,
                clusters: [
                  // Nothing listens on port 9 (discard).
                  { name: 'eu-west-gone', baseUrl: 'http://127.0.0.1:9' },
                  {
                    name: 'eu-west-prod',
                    baseUrl: opencost.clusterUrls['eu-west-prod'],
                    token: TOKEN,
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    expect(registered.map(s => s.id)).toEqual([
      'opencost:eu-west-gone',
      'opencost:eu-west-prod',
    ]);
    const sink = new InMemoryCostSink();
    for (const s of registered) await s.connect(sink);
    await scheduler.triggerTask('cost-opencost-pull');

    expect(sink.days('opencost:eu-west-gone')).toEqual([]);
    expect(sink.days('opencost:eu-west-prod')).toHaveLength(2);
    const warnings = logger.warn.mock.calls.map(c => String(c[0]));
    expect(warnings.some(w => w.includes('eu-west-gone'))).toBe(true);
    expect(
      JSON.stringify([logger.info.mock.calls, logger.warn.mock.calls]),
    ).not.toContain(TOKEN);
  });

  it('is off without clusters', async () => {
    const scheduler = mockServices.scheduler();
    await startTestBackend({
      features: [
        createBackendPlugin({
          pluginId: 'cost',
          register(env) {
            env.registerExtensionPoint(costSourcesExtensionPoint, {
              addSource: () => {
                throw new Error('no source expected');
              },
            });
            env.registerInit({ deps: {}, async init() {} });
          },
        }),
        costModuleOpencost,
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => scheduler,
        }),
      ],
    });
    expect(await scheduler.getScheduledTasks()).toEqual([]);
  });
});
