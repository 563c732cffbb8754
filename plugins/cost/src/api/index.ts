export { costApiRef } from './CostApi';
export type { CostApi, CostWindow } from './CostApi';
export { CostClient } from './CostClient';
