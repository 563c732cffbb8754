export { LocalKubeApiServer } from './server';
export type {
  ReceivedRequest,
  RunningServer,
  StartOptions,
  TokenConfig,
} from './server';
export { ClusterState } from './state';
export { ObjectStore } from './cluster';
export type { KubeObject } from './cluster';
export {
  FERNHILL_SCENARIO,
  loadScenarioFile,
  parseScenarioFile,
} from './scenario';
export type {
  EnvironmentSpec,
  Scenario,
  ScenarioFile,
  WorkloadSpec,
  WorkloadState,
} from './scenario';
