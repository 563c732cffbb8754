import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { kubeStatusPermissions } from '@paved/plugin-kube-status-common';
import { registerKubeStatusActions } from './actions';
import { ClusterCache } from './cache/ClusterCache';
import { readKubeStatusConfig } from './config';
import { createRouter } from './router';
import { KubeStatusService } from './service/KubeStatusService';

/**
 * Live Kubernetes status per component and team, served from one
 * list+watch cache per cluster and resource type.
 *
 * @public
 */
export const kubeStatusPlugin = createBackendPlugin({
  pluginId: 'kube-status',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        deps.permissionsRegistry.addPermissions(kubeStatusPermissions);
        const { clusters, skipped, timings } = readKubeStatusConfig(
          deps.config,
        );
        for (const reason of skipped) {
          deps.logger.warn(`Not watching cluster ${reason}`);
        }
        const caches = clusters.map(cluster =>
          ClusterCache.create({ cluster, timings, logger: deps.logger }),
        );
        // Watches open once the backend has started and close on shutdown;
        // requests before the first lists answer with clusters 'syncing'.
        deps.lifecycle.addStartupHook(() => caches.forEach(c => c.start()));
        deps.lifecycle.addShutdownHook(async () => {
          await Promise.all(caches.map(c => c.stop()));
        });
        const status = KubeStatusService.create({
          catalog: deps.catalog,
          clusters: caches,
        });
        registerKubeStatusActions(deps.actionsRegistry, status);
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            status,
          }),
        );
        deps.logger.info(
          `Watching ${caches.length} cluster(s): ${clusters
            .map(c => c.name)
            .join(', ')}`,
        );
      },
    });
  },
});
