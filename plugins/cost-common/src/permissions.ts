import { createPermission } from '@backstage/plugin-permission-common';

/** The catalog's resource type (RESOURCE_TYPE_CATALOG_ENTITY). */
const CATALOG_ENTITY = 'catalog-entity';

/**
 * Reading the cost of a catalog entity (component, system or group).
 * A resource permission on the entity, so a policy can answer it with a
 * catalog condition (Paved's: admins, and members of the owning group —
 * for a group, its members).
 */
export const costReadPermission = createPermission({
  name: 'cost.read',
  attributes: { action: 'read' },
  resourceType: CATALOG_ENTITY,
});

/**
 * Reading organisation-wide cost: the total including unattributed rows,
 * and which labels failed to match (portal admins in Paved's policy).
 */
export const costOrganisationReadPermission = createPermission({
  name: 'cost.organisation.read',
  attributes: { action: 'read' },
});

/** Importing billing files through the API (portal admins in Paved's policy). */
export const costImportPermission = createPermission({
  name: 'cost.import',
  attributes: { action: 'create' },
});

/** @public */
export const costPermissions = [
  costReadPermission,
  costOrganisationReadPermission,
  costImportPermission,
];
