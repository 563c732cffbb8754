/**
 * GitHub source for Paved's DORA metrics.
 *
 * @packageDocumentation
 */
export { doraModuleGithub as default } from './module';
export { mapGithubEvent } from './mapGithubEvent';
