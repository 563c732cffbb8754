import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createGoldenPathPublishAction,
  createGoldenPathRegisterAction,
  createGoldenPathValidateAction,
} from './actions';
import { readGoldenPathPublishConfig } from './config';
import { createRepositoryPublisher } from './publish';

/**
 * The golden-path actions for the scaffolder: `goldenpath:validate`,
 * `goldenpath:publish` and `goldenpath:register`.
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
      },
      async init({ scaffolder, config, catalog, logger }) {
        const publishConfig = readGoldenPathPublishConfig(config);
        scaffolder.addActions(
          createGoldenPathValidateAction({ catalog }),
          createGoldenPathPublishAction({
            publisher: createRepositoryPublisher(publishConfig, config),
          }),
          createGoldenPathRegisterAction({
            catalog,
            localDirectory: publishConfig.directory,
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
