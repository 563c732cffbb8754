export { HealthChip } from './HealthChip';
export { ProblemList } from './ProblemList';
export { ChecksSummary, CheckList } from './Checks';
export { RolloutState } from './RolloutState';
export { StatusError } from './StatusError';
export { ClusterSyncBanner } from './ClusterSyncBanner';
export { RefreshNote } from './RefreshNote';
export { NoKubernetesWorkloads } from './NoKubernetesWorkloads';
