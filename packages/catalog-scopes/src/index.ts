/**
 * What a component, a system, a group (with the groups below it) or the
 * organisation covers in the catalog, resolved the same way by every Paved
 * backend plugin (DORA, cost, Kubernetes status).
 *
 * @packageDocumentation
 */
export {
  CatalogScopeResolver,
  type EntityScope,
  type OrganisationScope,
  type ScopeMember,
} from './CatalogScopeResolver';
export { queryAllEntities } from './scopes';
export { whereScopeMember } from './whereScopeMember';
