/**
 * Paved's cost views: the Cost tab of components, systems and groups, and
 * the cost card on component overviews.
 *
 * @packageDocumentation
 */
export { costPlugin as default } from './plugin';
export { costApiRef, CostClient } from './api';
export type { CostApi, CostWindow } from './api';
