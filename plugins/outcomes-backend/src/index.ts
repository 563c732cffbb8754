/**
 * Paved's outcomes backend: speed, stability and cost as one system.
 *
 * @packageDocumentation
 */
export { outcomesPlugin as default } from './plugin';
