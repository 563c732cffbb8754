/**
 * Paved's golden-path scaffolder actions: guardrail validation, publishing to
 * the configured target and catalog registration.
 *
 * @packageDocumentation
 */

import {
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';
import { catalogModuleGoldenPathFileLocations } from './catalogModule';
import { scaffolderModuleGoldenPath } from './module';

export { scaffolderModuleGoldenPath } from './module';
export { catalogModuleGoldenPathFileLocations } from './catalogModule';
export {
  goldenPathUpgradePermission,
  goldenPathPermissions,
} from './permissions';

/**
 * The scaffolder module, plus (for the `local` publish target in
 * development only) the catalog module that lets `goldenpath:register`
 * register `file` locations inside the local repository directory. With
 * `NODE_ENV=production` the catalog accepts no `file` locations from its API
 * whatever the target.
 *
 * @public
 */
export default createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig, logger: coreServices.rootLogger },
  *loader({ config, logger }) {
    yield scaffolderModuleGoldenPath;
    const target =
      config.getOptionalString('paved.goldenPath.publish.target') ?? 'local';
    if (target !== 'local') {
      return;
    }
    if (process.env.NODE_ENV === 'production') {
      logger.warn(
        "Golden paths publish to local repositories, but the catalog does not accept 'file' locations in production (NODE_ENV=production): use the github target",
      );
      return;
    }
    yield catalogModuleGoldenPathFileLocations;
  },
});
