/**
 * Scorecards for Paved: checks over platform facts, levels, roll-ups.
 *
 * @packageDocumentation
 */
export { scorecardsPlugin as default } from './plugin';
