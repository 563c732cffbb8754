/**
 * Demo DORA history for Paved's local default.
 *
 * @packageDocumentation
 */
export { doraModuleDemo as default } from './module';
export { demoHistory } from './demoHistory';
