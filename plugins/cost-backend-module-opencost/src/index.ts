/**
 * OpenCost source for Paved's cost backend: pulls `/allocation` per
 * cluster and day, resumable, until each day is final.
 *
 * @packageDocumentation
 */
export { costModuleOpencost as default } from './module';
export { OpenCostClusterSource } from './OpenCostClusterSource';
export { allocationToRecord } from './mapAllocation';
