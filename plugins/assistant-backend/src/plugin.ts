import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceRef,
  actionsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { registerAssistantActions } from './actions';
import { createRouter } from './router';
import { ChangeValidator } from './service/ChangeValidator';
import { PortalReads } from './service/PortalReads';
import { ServiceContext } from './service/ServiceContext';
import { GoldenPathStandards } from './service/GoldenPathStandards';

/**
 * Paved for AI assistants: a change checked against the golden-path
 * guardrails (an HTTP route and an action), and the portal's docs and a
 * service's briefing as actions, all with the caller's credentials.
 *
 * @public
 */
export const assistantPlugin = createBackendPlugin({
  pluginId: 'assistant',
  register(env) {
    env.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        actionsRegistry: actionsRegistryServiceRef,
        actions: actionsServiceRef,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const validator = new ChangeValidator({ catalog: deps.catalog });
        const reads = new PortalReads({
          auth: deps.auth,
          discovery: deps.discovery,
          catalog: deps.catalog,
          appBaseUrl: deps.config.getString('app.baseUrl'),
        });
        const context = new ServiceContext({
          actions: deps.actions,
          catalog: deps.catalog,
          appBaseUrl: deps.config.getString('app.baseUrl'),
        });
        const standards = new GoldenPathStandards({
          catalog: deps.catalog,
          reads,
          appBaseUrl: deps.config.getString('app.baseUrl'),
        });
        registerAssistantActions(deps.actionsRegistry, {
          validator,
          reads,
          context,
          standards,
        });
        deps.httpRouter.use(
          await createRouter({ httpAuth: deps.httpAuth, validator }),
        );
      },
    });
  },
});
