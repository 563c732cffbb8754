export { LocalKubeApiServer } from './server';
export type {
  ReceivedRequest,
  RunningServer,
  StartOptions,
  TokenConfig,
} from './server';
export { ClusterState } from './state/ClusterState';
export type { ClusterStateOptions } from './state/ClusterState';
export { ObjectStore } from './state/ObjectStore';
export type { KubeObject } from './kubeObject';
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
export { FAULT_PATH } from './faults';
export type { KubeFault } from './faults';
