/**
 * Types, API contract and permission shared by Paved's Kubernetes status
 * plugins.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './status';
