/**
 * Insights computed from an entity's cost series: month-end forecast,
 * anomalies, budget, reconciliation against the bill, cost per request.
 * Pure functions, so the router and the MCP actions share them.
 */
export { forecastMonthEnd, FORECAST_RATE_DAYS } from './forecast';
export {
  findAnomalies,
  MIN_BASELINE_DAYS,
  STD_DEV_FLOOR_SHARE,
  type AnomalyOptions,
} from './anomalies';
export { budgetFor, COST_BUDGET_ANNOTATION } from './budget';
export { reconcile, costPerRequest } from './ratios';
