import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { doraPermissions } from '@paved/plugin-dora-common';
import {
  doraSourcesExtensionPoint,
  type DoraEventSource,
} from '@paved/plugin-dora-node';
import { DatabaseDoraStore } from './database/DatabaseDoraStore';
import { defaultMetricRules } from './metrics/computeMetrics';
import { createRouter } from './router';
import { DoraMetricsService } from './service/DoraMetricsService';
import { DoraEventIngestor } from './service/DoraEventIngestor';
import { registerDoraActions } from './actions';

/** Event sources registered by modules; each id once. */
class DoraSources {
  readonly #sources = new Map<string, DoraEventSource>();

  addSource(source: DoraEventSource) {
    // Caller sources of the event API contain ':' (user:…, service:…).
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(source.id)) {
      throw new Error(
        `A DORA event source id is letters, digits, '.', '_' or '-', not '${source.id}'`,
      );
    }
    if (this.#sources.has(source.id)) {
      throw new Error(
        `A DORA event source with id '${source.id}' is already registered`,
      );
    }
    this.#sources.set(source.id, source);
  }

  list() {
    return [...this.#sources.values()];
  }
}

/**
 * DORA metrics: ingests deployments, changes and incidents and computes the
 * five DORA metrics per component, system, group and organisation.
 *
 * @public
 */
export const doraPlugin = createBackendPlugin({
  pluginId: 'dora',
  register(env) {
    const sources = new DoraSources();
    env.registerExtensionPoint(doraSourcesExtensionPoint, {
      addSource: source => sources.addSource(source),
    });

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        auditor: coreServices.auditor,
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
        const windowDays =
          config.getOptionalNumber('dora.incidentAttributionWindowDays') ?? 7;
        const metrics = DoraMetricsService.create({
          store,
          catalog: deps.catalog,
          auth: deps.auth,
          logger: deps.logger,
          rules: {
            incidentAttributionWindowMs: windowDays * 86_400_000,
            reworkLabels:
              config.getOptionalStringArray('dora.reworkLabels') ??
              defaultMetricRules.reworkLabels,
          },
        });
        const ingestor = DoraEventIngestor.create({
          store,
          catalog: deps.catalog,
          auth: deps.auth,
          logger: deps.logger,
          onStored: stored => metrics.refreshSoon(stored),
          // The event API refuses these as `source` labels.
          reservedSources: sources.list().map(source => source.id),
        });
        // Before the first batch or read: verdicts made under other rules
        // are marked stale first.
        await metrics.adoptRules();
        registerDoraActions(deps.actionsRegistry, metrics);
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            ingestor,
            metrics,
            maxBodyBytes:
              config.getOptionalNumber('dora.maxEventBodyBytes') ??
              5 * 1024 * 1024,
          }),
        );
        for (const source of sources.list()) {
          await source.connect(ingestor);
        }
      },
    });
  },
});
