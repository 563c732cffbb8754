/**
 * Test utilities for cost sources.
 *
 * @packageDocumentation
 */
export { InMemoryCostSink } from './InMemoryCostSink';
