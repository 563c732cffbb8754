import type { CatalogService } from '@backstage/plugin-catalog-node';
import { CatalogScopeResolver, type EntityScope } from '@paved/catalog-scopes';
import { ALLOCATED_KINDS } from './CostAllocator';

/**
 * A catalog entity and the entities whose cost it sums: a component or
 * resource itself (`kind: 'entity'`), a system's parts, or what a group
 * and the groups below it own. The organisation is no scope: its cost is
 * every attributed row.
 */
export type CostScope = EntityScope;

/** The shared resolver, set up for cost (see `CostScopes.create`). */
export type CostScopes = CatalogScopeResolver;

/**
 * The cost plugin's scopes, resolved by the shared `CatalogScopeResolver`
 * with the kinds cost is allocated to (components and resources) as
 * members. Every read uses the caller's credentials, so the catalog's read
 * rules apply: an entity the caller cannot see is not found, and a team or
 * system sums only the members the caller can see.
 */
// A value and a type of one name, as a class would be: `CostScopes.create`
// builds what the type names, and the call sites stay as they were.
// eslint-disable-next-line @typescript-eslint/no-redeclare
export const CostScopes = {
  create(options: { catalog: CatalogService }): CostScopes {
    return CatalogScopeResolver.create({
      catalog: options.catalog,
      memberKinds: ALLOCATED_KINDS,
    });
  },
};
