/**
 * A local stand-in for OpenCost's allocation API, with plausible,
 * deterministic daily costs for the demo organisation.
 *
 * @packageDocumentation
 */
export { LocalOpenCost } from './server';
export type { RunningOpenCost, StartOptions } from './server';
export { FERNHILL_SCENARIO, loadScenario, parseScenario } from './scenario';
export type { CostScenario } from './scenario';
export { IDLE, UNALLOCATED } from './allocation';
export { parseWindow } from './window';
export type { AllocationJson } from './allocation';
export { FAULT_PATH } from './faults';
export type { OpenCostFault } from './faults';
