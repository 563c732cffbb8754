import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Starting a template upgrade of a component (`goldenpath:upgrade`): a
 * resource permission on the component's catalog entity, so a policy can
 * allow it to the component's owners only (`isEntityOwner`).
 *
 * @public
 */
export const goldenPathUpgradePermission = createPermission({
  name: 'golden-path.upgrade.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Every permission of the golden-path module.
 *
 * @public
 */
export const goldenPathPermissions = [goldenPathUpgradePermission];
