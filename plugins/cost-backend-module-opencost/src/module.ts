import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { costSourcesExtensionPoint } from '@paved/plugin-cost-node';
import { readOpenCostSettings } from './config';
import { OpenCostClusterSource } from './OpenCostClusterSource';

/**
 * OpenCost as a cost source: one source per configured cluster
 * (`cost.opencost.clusters`), pulled by one scheduled task.
 */
export const costModuleOpencost = createBackendModule({
  pluginId: 'cost',
  moduleId: 'opencost',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        sources: costSourcesExtensionPoint,
      },
      async init({ config, logger, scheduler, sources }) {
        const settings = readOpenCostSettings(config);
        if (settings.clusters.length === 0) {
          logger.info(
            'OpenCost cost source is off: list clusters in cost.opencost.clusters to enable it',
          );
          return;
        }
        const clusterSources = settings.clusters.map(cluster =>
          OpenCostClusterSource.create({
            cluster,
            logger,
            backfillDays: settings.backfillDays,
            finalAfterHours: settings.finalAfterHours,
          }),
        );
        for (const source of clusterSources) sources.addSource(source);
        await scheduler.scheduleTask({
          id: 'cost-opencost-pull',
          scope: 'global',
          ...settings.schedule,
          fn: async signal => {
            for (const source of clusterSources) {
              // One cluster failing must not stop the others.
              try {
                await source.pull(signal);
              } catch (e) {
                logger.warn(
                  `${source.id}: pull failed: ${(e as Error).message}`,
                );
              }
            }
          },
        });
      },
    });
  },
});
