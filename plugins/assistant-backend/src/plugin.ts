import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { registerAssistantActions } from './actions';
import { createRouter } from './router';
import { ChangeValidator } from './service/ChangeValidator';

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
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        actionsRegistry: actionsRegistryServiceRef,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const validator = new ChangeValidator({ catalog: deps.catalog });
        registerAssistantActions(deps.actionsRegistry, { validator });
        deps.httpRouter.use(
          await createRouter({ httpAuth: deps.httpAuth, validator }),
        );
      },
    });
  },
});
