/**
 * The DORA event contract, metric types and permissions shared by Paved's
 * DORA plugins, and the API's client and models generated from its OpenAPI
 * document.
 *
 * @packageDocumentation
 */
export * from './benchmarks';
export * from './bounds';
export * from './events';
export * from './metrics';
export * from './permissions';
export * from './schema/openapi/generated';
