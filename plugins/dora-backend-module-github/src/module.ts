import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { doraSourcesExtensionPoint } from '@paved/plugin-dora-node';
import { GithubWebhookSource } from './GithubWebhookSource';

/**
 * GitHub as a DORA event source: a signed webhook receiver for deployment
 * statuses, pushes, merged pull requests and incident issues. Off until
 * `dora.github.webhookSecret` is set.
 */
export const doraModuleGithub = createBackendModule({
  pluginId: 'dora',
  moduleId: 'github',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        sources: doraSourcesExtensionPoint,
      },
      async init({ config, logger, httpRouter, sources }) {
        const secret = config.getOptionalString('dora.github.webhookSecret');
        if (!secret) {
          logger.info(
            'GitHub webhook for DORA is off: set dora.github.webhookSecret to enable it',
          );
          return;
        }
        const source = GithubWebhookSource.create({
          secret,
          incidentLabels: config.getOptionalStringArray(
            'dora.github.incidentLabels',
          ) ?? ['incident'],
          logger,
        });
        sources.addSource(source);
        httpRouter.use(source.router());
        httpRouter.addAuthPolicy({
          path: '/github/webhook',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
