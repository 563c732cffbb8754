/**
 * Types, API contract and permission shared by Paved's Kubernetes status
 * plugins.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './status';
// The client generated from the backend's OpenAPI document; the models it
// reads are exported by ./status under their domain names.
export { DefaultApiClient } from './schema/openapi/generated';
export type {
  GetComponentsLiveChecks,
  GetEntityStatus,
  GetTeamStatus,
  RequestOptions,
  TypedResponse,
} from './schema/openapi/generated';
