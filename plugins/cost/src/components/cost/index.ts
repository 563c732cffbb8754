export { Anomalies } from './Anomalies';
export { BudgetForecast } from './BudgetForecast';
export { ComponentRankings } from './ComponentRankings';
export { CostFilters } from './CostFilters';
export { CostPerRequest } from './CostPerRequest';
export {
  CostError,
  CostLoading,
  NoCostSource,
  NoEntityCost,
} from './CostStates';
export { CostSummary } from './CostSummary';
export { CostTrendChart } from './CostTrendChart';
export { CsvDownloadLink } from './CsvDownloadLink';
export { Efficiency } from './Efficiency';
export { Reconciliation } from './Reconciliation';
export { UnattributedCostSection } from './UnattributedCostSection';
export { EntityCostView } from './EntityCostView';
export { RankingsSection } from './RankingsSection';
