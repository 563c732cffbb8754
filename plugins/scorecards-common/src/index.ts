/**
 * The permission and API contract shared by Paved's scorecards plugins:
 * the client and models generated from the backend's OpenAPI document.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './schema/openapi/generated';
