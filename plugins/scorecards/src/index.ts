/**
 * Paved's scorecards frontend: a component's level and failing checks, and
 * the levels of a team's or system's components.
 *
 * @packageDocumentation
 */
export { scorecardsPlugin as default } from './plugin';
