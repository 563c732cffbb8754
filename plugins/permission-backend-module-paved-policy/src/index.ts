/**
 * Paved's permission policy for the permission backend.
 *
 * @packageDocumentation
 */

export { permissionModulePavedPolicy as default } from './module';
export { PavedPermissionPolicy } from './PavedPermissionPolicy';
