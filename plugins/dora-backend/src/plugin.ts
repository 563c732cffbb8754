import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { doraPermissions } from '@paved/plugin-dora-common';
import { DatabaseDoraStore } from './database/DoraStore';
import { CatalogScopes } from './catalog/CatalogScopes';
import { defaultMetricRules } from './metrics/computeMetrics';
import { createRouter } from './router';
import { DoraMetricsService } from './service/DoraMetricsService';
import { registerDoraActions } from './actions';

/**
 * DORA metrics: ingests deployments, changes and incidents and computes the
 * five DORA metrics per component, system, group and organisation.
 *
 * @public
 */
export const doraPlugin = createBackendPlugin({
  pluginId: 'dora',
  register(env) {
    env.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config } = deps;
        deps.permissionsRegistry.addPermissions(doraPermissions);
        const store = await DatabaseDoraStore.create({
          database: deps.database,
        });
        const scopes = CatalogScopes.create({
          catalog: deps.catalog,
          auth: deps.auth,
        });
        const windowDays =
          config.getOptionalNumber('dora.incidentAttributionWindowDays') ?? 7;
        const metrics = DoraMetricsService.create({
          store,
          scopes,
          rules: {
            incidentAttributionWindowMs: windowDays * 86_400_000,
            reworkLabels:
              config.getOptionalStringArray('dora.reworkLabels') ??
              defaultMetricRules.reworkLabels,
          },
        });
        registerDoraActions(deps.actionsRegistry, metrics);
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            store,
            scopes,
            metrics,
            maxBodyBytes:
              config.getOptionalNumber('dora.maxEventBodyBytes') ??
              5 * 1024 * 1024,
          }),
        );
      },
    });
  },
});
