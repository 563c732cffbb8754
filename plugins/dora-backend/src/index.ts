/**
 * Paved's DORA metrics backend.
 *
 * @packageDocumentation
 */
export { doraPlugin as default } from './plugin';
