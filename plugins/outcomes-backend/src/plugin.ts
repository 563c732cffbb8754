import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { registerOutcomesActions } from './actions';
import { readSignalThresholds } from './config';
import { createRouter } from './router';
import { OutcomesService } from './service/OutcomesService';
import { PlatformReads } from './service/PlatformReads';

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
        deps.httpRouter.use(
          await createRouter({ httpAuth: deps.httpAuth, outcomes }),
        );
      },
    });
  },
});
