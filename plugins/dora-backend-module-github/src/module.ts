import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { doraSourcesExtensionPoint } from '@paved/plugin-dora-node';
import { GithubSourceStore } from './database/GithubSourceStore';
import { GithubWebhookSource } from './GithubWebhookSource';
import { GithubDeploymentPoller } from './poller/GithubDeploymentPoller';

/** Processed webhook deliveries are remembered this long. */
const DELIVERY_RETENTION_DAYS = 7;

/**
 * GitHub as a DORA event source:
 * - a signed webhook receiver for deployment statuses, pushes, merged pull
 *   requests and incident issues, on when `dora.github.webhookSecret` is set;
 * - a scheduled poller of deployments, their statuses and the commits they
 *   delivered, on when `dora.github.poll.enabled` is true.
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
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        sources: doraSourcesExtensionPoint,
      },
      async init(deps) {
        const { config, logger, httpRouter, scheduler, sources } = deps;
        const secret = config.getOptionalString('dora.github.webhookSecret');
        const pollEnabled =
          config.getOptionalBoolean('dora.github.poll.enabled') ?? false;
        if (!secret) {
          logger.info(
            'GitHub webhook for DORA is off: set dora.github.webhookSecret to enable it',
          );
        }
        if (!pollEnabled) {
          logger.info(
            'GitHub poller for DORA is off: set dora.github.poll.enabled to enable it',
          );
        }
        if (!secret && !pollEnabled) return;

        const store = await GithubSourceStore.create(deps.database);

        if (secret) {
          const webhook = GithubWebhookSource.create({
            secret,
            incidentLabels: config.getOptionalStringArray(
              'dora.github.incidentLabels',
            ) ?? ['incident'],
            maxBodyBytes: config.getOptionalNumber(
              'dora.github.webhookMaxBodyBytes',
            ),
            logger,
            deliveries: store,
          });
          sources.addSource(webhook);
          httpRouter.use(webhook.router());
          httpRouter.addAuthPolicy({
            path: '/github/webhook',
            allow: 'unauthenticated',
          });
          await scheduler.scheduleTask({
            id: 'dora-github-prune-deliveries',
            scope: 'global',
            frequency: { hours: 24 },
            timeout: { minutes: 5 },
            initialDelay: { minutes: 5 },
            fn: async () => {
              const pruned = await store.pruneDeliveries(
                new Date(Date.now() - DELIVERY_RETENTION_DAYS * 86_400_000),
              );
              logger.debug(`Forgot ${pruned} old GitHub webhook deliveries`);
            },
          });
        }

        if (pollEnabled) {
          const integrations = ScmIntegrations.fromConfig(config);
          const organization =
            config.getOptionalString('dora.github.poll.organization') ??
            // The organisation golden paths create repositories in.
            config.getOptionalString('paved.goldenPath.publish.github.owner');
          if (!organization) {
            logger.warn(
              'GitHub poller for DORA reads the repository of every annotated component, whatever its owner: set dora.github.poll.organization to limit it to your organisation',
            );
          }
          const poller = GithubDeploymentPoller.create({
            catalog: deps.catalog,
            auth: deps.auth,
            integrations,
            credentials:
              DefaultGithubCredentialsProvider.fromIntegrations(integrations),
            store,
            logger,
            poll: {
              environments: config.getOptionalStringArray(
                'dora.github.poll.environments',
              ) ?? ['production'],
              lookbackDays:
                config.getOptionalNumber('dora.github.poll.lookbackDays') ?? 90,
              organization,
            },
          });
          sources.addSource(poller);
          await scheduler.scheduleTask({
            id: 'dora-github-poll',
            scope: 'global',
            frequency: {
              minutes:
                config.getOptionalNumber('dora.github.poll.frequency') ?? 10,
            },
            timeout: { minutes: 30 },
            initialDelay: { seconds: 30 },
            fn: signal => poller.poll(signal),
          });
        }
      },
    });
  },
});
