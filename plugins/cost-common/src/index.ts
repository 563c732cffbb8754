/**
 * Cost allocation types, API contract and permissions shared by Paved's
 * cost plugins.
 *
 * @packageDocumentation
 */
export * from './api';
export * from './permissions';
export * from './records';
export * from './window';
