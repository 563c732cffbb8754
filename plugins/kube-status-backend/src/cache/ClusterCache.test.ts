import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { RunningServer } from '@paved/kube-apiserver-local';
import type { InformerTimings } from '../config';
import { entityKubeStatus } from '../status/entityStatus';
import {
  ADMIN_TOKEN,
  NO_PODS_TOKEN,
  eventually,
  startCluster,
} from '../__testUtils__/testUtils';
import { ClusterCache } from './ClusterCache';

jest.setTimeout(30_000);

const checkoutService: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout-service',
    annotations: { 'backstage.io/kubernetes-id': 'checkout-service' },
  },
};

const RELAXED: InformerTimings = {
  resyncIntervalMs: 600_000,
  silentWatchTimeoutMs: 60_000,
  retryDelayMs: 200,
};

describe('ClusterCache', () => {
  const running: Array<{ stop(): Promise<void> }> = [];
  afterEach(async () => {
    // Caches first, so they do not see their server go away.
    for (const r of running.splice(0).reverse()) await r.stop();
  });

  async function start(
    opts: {
      token?: string;
      timings?: Partial<InformerTimings>;
      bookmarkIntervalMs?: number;
      logger?: ReturnType<typeof mockServices.logger.mock>;
    } = {},
  ) {
    const cluster: RunningServer = await startCluster({
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
    });
    running.push(cluster);
    const cache = ClusterCache.create({
      cluster: {
        name: 'eu-west-prod',
        url: cluster.url,
        serviceAccountToken: opts.token ?? ADMIN_TOKEN,
        skipTLSVerify: true,
      },
      timings: { ...RELAXED, ...opts.timings },
      logger: opts.logger ?? mockServices.rootLogger({ level: 'none' }),
    });
    cache.start();
    running.push(cache);
    await eventually(() => {
      expect(cache.syncStatus().state).toBe('synced');
      // Every readable type watched (a forbidden one is not).
      expect(
        cluster.requests.filter(r => r.watch).length,
      ).toBeGreaterThanOrEqual(opts.token === NO_PODS_TOKEN ? 8 : 9);
    });
    const requests = (path: string, watch: boolean) =>
      cluster.requests.filter(r => r.path === path && r.watch === watch).length;
    const checkout = () =>
      entityKubeStatus(checkoutService, [cache]).workloads[0];
    return { cluster, cache, requests, checkout };
  }

  it('lists again when the resourceVersion it resumes from has expired (410)', async () => {
    const { cluster, requests, checkout } = await start();
    expect(requests('/apis/apps/v1/statefulsets', false)).toBe(1);
    // Changes move the version on; the statefulsets watch saw none of them
    // (and no bookmark), so after compaction its version is too old.
    cluster.cluster.scale('checkout', 'checkout-service', 4);
    cluster.cluster.compact();
    cluster.dropWatches();
    await eventually(() =>
      expect(requests('/apis/apps/v1/statefulsets', false)).toBe(2),
    );
    expect(requests('/apis/apps/v1/deployments', false)).toBeLessThanOrEqual(2);
    cluster.cluster.scale('checkout', 'checkout-service', 6);
    await eventually(() => expect(checkout().replicas.desired).toBe(6));
  });

  it('restarts a watch that stays silent, resuming without a list', async () => {
    const { cluster, requests, checkout } = await start({
      timings: { silentWatchTimeoutMs: 300 },
    });
    await eventually(() =>
      expect(requests('/apis/apps/v1/daemonsets', true)).toBeGreaterThanOrEqual(
        3,
      ),
    );
    expect(requests('/apis/apps/v1/daemonsets', false)).toBe(1);
    cluster.cluster.scale('checkout', 'checkout-service', 2);
    await eventually(() => expect(checkout().replicas.desired).toBe(2));
  });

  it('keeps a silent watch alive while bookmarks arrive', async () => {
    const { requests } = await start({
      bookmarkIntervalMs: 100,
      timings: { silentWatchTimeoutMs: 1000 },
    });
    await new Promise(r => setTimeout(r, 2500));
    expect(requests('/apis/apps/v1/daemonsets', true)).toBe(1);
  });

  it('lists everything again on the resync interval', async () => {
    const { requests } = await start({ timings: { resyncIntervalMs: 500 } });
    await eventually(() =>
      expect(requests('/api/v1/pods', false)).toBeGreaterThanOrEqual(2),
    );
  });

  it('degrades only the forbidden resource type (403)', async () => {
    const { cluster, cache, checkout } = await start({ token: NO_PODS_TOKEN });
    expect(cache.syncStatus()).toMatchObject({
      state: 'synced',
      degraded: [
        {
          resource: 'pods',
          reason: expect.stringContaining('cannot list resource "pods"'),
        },
      ],
    });
    expect(checkout()).toMatchObject({
      health: 'unknown',
      replicas: { desired: 3, ready: 3 },
      summary: expect.stringContaining('pods cannot be read'),
    });
    expect(checkout().history).toHaveLength(3);
    cluster.cluster.scale('checkout', 'checkout-service', 5);
    await eventually(() => expect(checkout().replicas.desired).toBe(5));
  });

  it('says once that a resource type cannot be read, not on every retry', async () => {
    const logger = mockServices.logger.mock();
    const { cluster } = await start({ token: NO_PODS_TOKEN, logger });
    const podLists = () =>
      cluster.requests.filter(r => r.path.endsWith('/pods') && !r.watch).length;
    // Retried every 200 ms …
    await eventually(() => expect(podLists()).toBeGreaterThanOrEqual(6));
    // … and said once.
    type Logger = ReturnType<typeof mockServices.logger.mock>;
    const warnings = (l: Logger): string[] => [
      ...l.warn.mock.calls.map(call => String(call[0])),
      // Each resource type logs through a child logger of its cluster.
      ...l.child.mock.results.flatMap(r => warnings(r.value as Logger)),
    ];
    const podWarnings = warnings(logger).filter(line =>
      line.startsWith('pods:'),
    );
    expect(podWarnings).toHaveLength(1);
    expect(podWarnings[0]).toContain('retrying every 200 ms');
  });
});
