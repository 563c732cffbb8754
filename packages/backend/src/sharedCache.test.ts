import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import {
  coreServices,
  createBackendPlugin,
  type CacheService,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  ServiceFactoryTester,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { cacheServiceFactory } from '@backstage/backend-defaults/cache';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';

/*
 * Replicas share the cache through Redis: what one replica caches, another
 * reads, and what one deletes is gone for all. Two backends stand in for two
 * replicas, with the cache settings of app-config.production.yaml and the
 * real cache service, against the Redis server ./paved test provides.
 */

const repoRoot = resolve(__dirname, '../../..');
const redisUrl = process.env.PAVED_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `backend.cache` of the production configuration, with REDIS_URL set. */
async function productionCacheConfig() {
  const argv = ['node', 'packages/backend'];
  for (const file of ['app-config.yaml', 'app-config.production.yaml']) {
    argv.push('--config', resolve(repoRoot, file));
  }
  const previous = process.env.REDIS_URL;
  process.env.REDIS_URL = redisUrl;
  // The loader announces its sources on the console; not needed here.
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  try {
    const config = await ServiceFactoryTester.from(
      rootConfigServiceFactory({ argv, watch: false }),
    ).getSubject();
    return config.getConfig('backend.cache').get();
  } finally {
    log.mockRestore();
    if (previous === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = previous;
  }
}

/** A backend with one plugin that hands over its cache service. */
async function startReplica(
  cacheConfig: Awaited<ReturnType<typeof productionCacheConfig>>,
) {
  let cache: CacheService | undefined;
  const backend = await startTestBackend({
    features: [
      mockServices.rootConfig.factory({
        data: { backend: { cache: cacheConfig } },
      }),
      cacheServiceFactory,
      createBackendPlugin({
        pluginId: 'cache-probe',
        register(env) {
          env.registerInit({
            deps: { pluginCache: coreServices.cache },
            async init({ pluginCache }) {
              cache = pluginCache;
            },
          });
        },
      }),
    ],
  });
  return { backend, cache: cache! };
}

describe('the cache in production', () => {
  it('is Redis, shared by every replica', async () => {
    const cacheConfig = await productionCacheConfig();
    expect(cacheConfig).toMatchObject({ store: 'redis', connection: redisUrl });

    const first = await startReplica(cacheConfig);
    const second = await startReplica(cacheConfig);
    const key = `entry-${randomUUID()}`;
    try {
      await first.cache.set(key, { cachedBy: 'first' }, { ttl: 60_000 });
      await expect(second.cache.get(key)).resolves.toEqual({
        cachedBy: 'first',
      });

      await second.cache.delete(key);
      await expect(first.cache.get(key)).resolves.toBeUndefined();
    } finally {
      await first.cache.delete(key);
      await first.backend.stop();
      await second.backend.stop();
    }
  });
});
