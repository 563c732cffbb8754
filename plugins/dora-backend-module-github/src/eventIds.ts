/** The source both the webhook and the poller store their events under. */
export const GITHUB_EVENT_SOURCE = 'github';

const repositoryKey = (fullName: string) => fullName.toLocaleLowerCase('en-US');

/**
 * The ids the webhook and the poller give a repository's events. A GitHub
 * deployment gets the same id from both, so when both run it is stored once
 * (the poller's copy adds the commits it delivered).
 */
export const githubEventIds = {
  deployment: (fullName: string, deploymentId: number | string) =>
    `github:${repositoryKey(fullName)}:deployment:${deploymentId}`,
  commit: (fullName: string, sha: string) =>
    `github:${repositoryKey(fullName)}:commit:${sha}`,
};
