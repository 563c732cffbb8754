/**
 * A local stand-in for the GitHub REST API endpoints Paved's DORA poller
 * reads, from an in-memory repository model built on recorded GitHub
 * responses, with a fault switch for 5xx and rate limits.
 *
 * @packageDocumentation
 */
export { LocalGithub } from './server';
export type { RunningGithub, StartOptions } from './server';
export { LocalGithubApi } from './answers';
export type { GithubAnswer, GithubRequest } from './answers';
export {
  rateLimitAnswer,
  secondaryRateLimitAnswer,
  serverErrorAnswer,
} from './faults';
export type { GithubFault } from './faults';
export { FAULT_PATH } from './admin';
export { sha } from './model';
export type {
  LocalCommit,
  LocalDeployment,
  LocalPullRequest,
  LocalRepository,
} from './model';
export { seededRepository } from './seed';
