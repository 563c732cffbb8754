/**
 * What a team or a system covers in the catalog, resolved the same way by
 * every Paved backend plugin (DORA, cost, Kubernetes status).
 *
 * @packageDocumentation
 */
export {
  entitiesInScope,
  groupAndDescendants,
  queryAllEntities,
} from './scopes';
