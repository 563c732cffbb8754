import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createGoldenPathPublishAction,
  createGoldenPathRegisterAction,
  createGoldenPathUpgradeAction,
  createGoldenPathValidateAction,
} from './actions';
import { readGitTimeoutMs, readGoldenPathPublishConfig } from './config';
import { setGitTimeout } from './publish/git';
import { createRepositoryPublisher } from './publish';
import { createFetchTemplateRenderer } from './upgrade/renderTemplate';
import { goldenPathPermissions } from './permissions';
import { createUpgradeRepositories } from './upgrade/repositories';

/**
 * The golden-path actions for the scaffolder: `goldenpath:validate`,
 * `goldenpath:publish`, `goldenpath:register` and `goldenpath:upgrade`.
 *
 * @public
 */
export const scaffolderModuleGoldenPath = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'golden-path',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        logger: coreServices.logger,
        reader: coreServices.urlReader,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        scaffolder,
        config,
        catalog,
        logger,
        reader,
        permissions,
        permissionsRegistry,
      }) {
        // Listed by the scaffolder's permission metadata, so policies and
        // tooling see it; the catalog evaluates its conditions (catalog-entity).
        permissionsRegistry.addPermissions(goldenPathPermissions);
        const publishConfig = readGoldenPathPublishConfig(config);
        setGitTimeout(readGitTimeoutMs(config));
        const publisher = createRepositoryPublisher(publishConfig, config);
        scaffolder.addActions(
          createGoldenPathValidateAction({ catalog }),
          createGoldenPathPublishAction({ publisher }),
          createGoldenPathRegisterAction({
            catalog,
            localDirectory: publishConfig.directory,
          }),
          createGoldenPathUpgradeAction({
            catalog,
            permissions,
            repositories: createUpgradeRepositories(publishConfig, config),
            render: createFetchTemplateRenderer({
              reader,
              integrations: ScmIntegrations.fromConfig(config),
            }),
          }),
        );
        logger.info(
          publishConfig.target === 'github'
            ? `Golden paths publish to GitHub: ${publishConfig.host}/${publishConfig.owner}`
            : `Golden paths publish to local git repositories in ${publishConfig.directory}`,
        );
      },
    });
  },
});
