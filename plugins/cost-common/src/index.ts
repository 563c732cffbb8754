/**
 * Cost allocation types, API contract and permissions shared by Paved's
 * cost plugins.
 *
 * @packageDocumentation
 */
export * from './api';
export * from './permissions';
export * from './records';
export * from './window';
// The client generated from the backend's OpenAPI document; the models it
// reads are exported by ./api under their domain names.
export { DefaultApiClient } from './schema/openapi/generated';
export type {
  ExportCostCsv,
  GetComponentCosts,
  GetCostSources,
  GetEntityCost,
  GetGroupCosts,
  GetRankings,
  GetUnattributedCost,
  ImportFocusFile,
  RequestOptions,
  TypedResponse,
} from './schema/openapi/generated';
