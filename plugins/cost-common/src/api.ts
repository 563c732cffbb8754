/**
 * The API of the cost backend (all amounts in `currency`):
 *   GET  /api/cost/entity?entityRef=&from=&to=&granularity=day|month -> EntityCost
 *   GET  /api/cost/groups?type=team&from=&to=                         -> GroupCosts
 *   GET  /api/cost/components?from=&to=                              -> ComponentCosts
 *   GET  /api/cost/rankings?entityRef=<group|system>&from=&to=        -> CostRankings
 *   GET  /api/cost/unattributed?from=&to=                             -> UnattributedCost
 *   GET  /api/cost/export.csv?entityRef=&from=&to=                    -> text/csv
 *   GET  /api/cost/sources                                            -> CostSourceStatus[]
 *   POST /api/cost/focus/imports?name=<import> (text/csv body)        -> FocusImportResult
 * `from` is inclusive and `to` exclusive, both YYYY-MM-DD (UTC days).
 *
 * The types are the models generated from the backend's OpenAPI document
 * (plugins/cost-backend/src/schema/openapi.yaml), so the JSON the backend
 * writes and the types its callers read have one definition.
 */
export type {
  AllocationClaim,
  AllocationConflict,
  ComponentCost,
  ComponentCosts,
  CostAnomaly,
  CostBudget,
  CostByCategory,
  CostEfficiency,
  CostForecast,
  CostGranularity,
  CostPerRequestPoint,
  CostPoint,
  CostRankings,
  CostReconciliation,
  CostSourceStatus,
  EntityCost,
  ErrorResponse,
  FocusImportResult,
  GroupCosts,
  RankedComponent,
  UnattributedCost,
  UnattributedRow,
} from './schema/openapi/generated/models';
