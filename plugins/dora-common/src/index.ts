/**
 * The DORA event contract, metric types and permissions shared by Paved's
 * DORA plugins.
 *
 * @packageDocumentation
 */
export * from './benchmarks';
export * from './bounds';
export * from './events';
export * from './metrics';
export * from './permissions';
