import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { costPermissions } from '@paved/plugin-cost-common';
import {
  costSourcesExtensionPoint,
  type CostSource,
} from '@paved/plugin-cost-node';
import { registerCostActions } from './actions';
import { DatabaseCostStore } from './database/DatabaseCostStore';
import { PrometheusRequestCounts } from './prometheus';
import { createRouter } from './router';
import { CostAllocator } from './service/CostAllocator';
import {
  CostService,
  defaultAllocationRules,
  type DistributionRule,
} from './service/CostService';
import { CostSink } from './service/CostSink';

/** Cost sources registered by modules; each id once. */
class CostSources {
  readonly #sources = new Map<string, CostSource>();

  addSource(source: CostSource) {
    if (this.#sources.has(source.id)) {
      throw new Error(
        `A cost source with id '${source.id}' is already registered`,
      );
    }
    this.#sources.set(source.id, source);
  }

  list() {
    return [...this.#sources.values()];
  }
}

const RULES: DistributionRule[] = ['weighted', 'even', 'none'];

/**
 * Cost per workload: stores cost rows from its sources, allocates them to
 * catalog entities and serves cost per entity, team, system and
 * organisation.
 *
 * @public
 */
export const costPlugin = createBackendPlugin({
  pluginId: 'cost',
  register(env) {
    const sources = new CostSources();
    env.registerExtensionPoint(costSourcesExtensionPoint, {
      addSource: source => sources.addSource(source),
    });

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config, logger } = deps;
        deps.permissionsRegistry.addPermissions(costPermissions);

        const rule = (key: string) => {
          const value = config.getOptionalString(`cost.allocation.${key}`);
          if (
            value !== undefined &&
            !RULES.includes(value as DistributionRule)
          ) {
            throw new Error(
              `cost.allocation.${key} must be one of ${RULES.join(
                ', ',
              )}, got '${value}'`,
            );
          }
          return (value ?? 'weighted') as DistributionRule;
        };
        const rules = {
          idle: rule('idle'),
          shared: rule('shared'),
          sharedNamespaces:
            config.getOptionalStringArray('cost.allocation.sharedNamespaces') ??
            defaultAllocationRules.sharedNamespaces,
        };

        const store = await DatabaseCostStore.create({
          database: deps.database,
        });
        const allocator = CostAllocator.create({
          store,
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          sharedLabels:
            config.getOptionalStringArray('cost.allocation.sharedLabels') ?? [],
          clusterNodeTags: config.getOptionalStringArray(
            'cost.allocation.clusterNodeTags',
          ),
          rules,
        });
        const cost = CostService.create({
          store,
          catalog: deps.catalog,
          config,
          rules,
          currency: config.getOptionalString('cost.currency') ?? 'USD',
          requests: PrometheusRequestCounts.fromConfig(config, logger),
          logger,
          allocator,
        });

        // Catalog entities (and their selectors) change; label sets are
        // re-allocated on a schedule, and new ones right after each import.
        const schedule = config.has('cost.allocation.schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig('cost.allocation.schedule'),
            )
          : {
              frequency: { minutes: 1 },
              timeout: { minutes: 5 },
              initialDelay: { seconds: 15 },
            };
        await deps.scheduler.scheduleTask({
          id: 'cost-allocation-refresh',
          scope: 'global',
          ...schedule,
          fn: async () => {
            const changed = await allocator.refresh();
            if (changed > 0) {
              logger.info(`Re-allocated ${changed} cost label sets`);
            }
          },
        });

        registerCostActions(deps.actionsRegistry, deps.permissions, cost);
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            cost,
            store,
          }),
        );

        const sink = CostSink.create({ store, allocator });
        for (const source of sources.list()) {
          await source.connect(sink);
        }
      },
    });
  },
});
