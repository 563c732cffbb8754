/**
 * Paved's outcomes frontend: speed, stability and cost as one system.
 *
 * @packageDocumentation
 */
export { outcomesPlugin as default } from './plugin';
