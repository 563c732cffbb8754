/**
 * Paved's cost backend: cost per workload, team, system and organisation.
 *
 * @packageDocumentation
 */
export { costPlugin as default } from './plugin';
