import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogLocationsExtensionPoint } from '@backstage/plugin-catalog-node';

/**
 * Lets the catalog accept registered `file` locations besides `url` ones, so
 * `goldenpath:register` can register repositories the local publish target
 * created. Only installed when `paved.goldenPath.publish.target` is `local`
 * (see the package's default export): with it, anyone allowed to register
 * locations may point the catalog at a file on the backend host.
 *
 * @public
 */
export const catalogModuleGoldenPathFileLocations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'golden-path-file-locations',
  register(reg) {
    reg.registerInit({
      deps: {
        locations: catalogLocationsExtensionPoint,
        logger: coreServices.logger,
      },
      async init({ locations, logger }) {
        locations.setAllowedLocationTypes(['url', 'file']);
        logger.info(
          "Catalog accepts registered 'file' locations for locally published golden-path repositories",
        );
      },
    });
  },
});
