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
 * The scaffolder module, plus (for the `local` publish target only) the
 * catalog module that lets `goldenpath:register` register `file` locations.
 *
 * @public
 */
export default createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  *loader({ config }) {
    yield scaffolderModuleGoldenPath;
    const target =
      config.getOptionalString('paved.goldenPath.publish.target') ?? 'local';
    if (target === 'local') {
      yield catalogModuleGoldenPathFileLocations;
    }
  },
});
