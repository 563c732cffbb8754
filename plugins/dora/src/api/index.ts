export { doraApiRef } from './DoraApi';
export type { DoraApi, DoraScope, DoraUnattributedService } from './DoraApi';
export { DoraClient } from './DoraClient';
