/**
 * Paved's DORA dashboards: the Delivery page, the Delivery tab of groups,
 * systems and components, and the DORA card on component overviews.
 *
 * @packageDocumentation
 */
export { doraPlugin as default } from './plugin';
export { doraApiRef, DoraClient } from './api';
export type { DoraApi, DoraScope, DoraUnattributedService } from './api';
