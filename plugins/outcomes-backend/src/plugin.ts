import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { registerOutcomesActions } from './actions';
import { readDigestConfig, readSignalThresholds } from './config';
import { createRouter } from './router';
import { OutcomesService } from './service/OutcomesService';
import { PlatformReads } from './service/PlatformReads';
import { WeeklyDigest } from './service/WeeklyDigest';

/**
 * Outcomes: speed, stability and cost of a component, system, group or the
 * organisation as one system, built on the DORA and cost APIs.
 *
 * @public
 */
export const outcomesPlugin = createBackendPlugin({
  pluginId: 'outcomes',
  register(env) {
    env.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        actionsRegistry: actionsRegistryServiceRef,
        catalog: catalogServiceRef,
        logger: coreServices.logger,
        notifications: notificationService,
        scheduler: coreServices.scheduler,
      },
      async init(deps) {
        const outcomes = OutcomesService.create({
          reads: PlatformReads.create({
            auth: deps.auth,
            discovery: deps.discovery,
          }),
          catalog: deps.catalog,
          thresholds: readSignalThresholds(deps.config),
        });
        registerOutcomesActions(deps.actionsRegistry, outcomes);

        // The weekly digest: a global task, so one replica sends it, and one
        // notification per team and week, so a rerun updates it.
        const digest = readDigestConfig(deps.config);
        if (digest.enabled) {
          const weekly = WeeklyDigest.create({
            outcomes,
            notifications: deps.notifications,
            auth: deps.auth,
            logger: deps.logger,
          });
          await deps.scheduler.scheduleTask({
            id: 'outcomes-weekly-digest',
            ...digest.schedule,
            scope: 'global',
            fn: async () => {
              await weekly.send();
            },
          });
        }
        deps.httpRouter.use(
          await createRouter({ httpAuth: deps.httpAuth, outcomes }),
        );
      },
    });
  },
});
