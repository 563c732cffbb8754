/**
 * The outcomes API's models and client, generated from its OpenAPI
 * document, shared by Paved's outcomes plugins.
 *
 * @packageDocumentation
 */
export * from './schema/openapi/generated';
