import { githubEventIds } from './eventIds';

/**
 * Maps GitHub webhook payloads to DORA events. Only what DORA needs:
 * - `deployment_status` (success / failure / error) → a deployment, keyed by
 *   the GitHub deployment id so a later status of the same deployment
 *   updates it, and with the same id the poller gives it;
 * - `push` to the default branch → one change per commit;
 * - `pull_request` closed and merged → a change for the merge commit, with
 *   the PR's labels (so hotfix/revert labels count as rework);
 * - `issues` carrying an incident label → an incident, resolved when closed.
 * Everything else maps to no events.
 */

type Json = Record<string, any>; // GitHub payloads are large and untyped here

export type GithubEventMappingOptions = { incidentLabels: string[] };

const labelNames = (labels: unknown): string[] =>
  Array.isArray(labels)
    ? labels
        .map(l => (typeof l === 'string' ? l : String(l?.name ?? '')))
        .filter(Boolean)
    : [];

export function mapGithubEvent(
  eventName: string,
  payload: Json,
  options: GithubEventMappingOptions,
): unknown[] {
  const service = String(payload.repository?.full_name ?? '');
  if (!service) return [];

  switch (eventName) {
    case 'deployment_status': {
      const status = payload.deployment_status;
      const deployment = payload.deployment;
      const state = String(status?.state ?? '');
      if (!['success', 'failure', 'error'].includes(state)) return [];
      const startedAt = String(deployment.created_at);
      const statusAt = String(status.updated_at ?? status.created_at);
      const finishedAt =
        Date.parse(statusAt) < Date.parse(startedAt) ? startedAt : statusAt;
      return [
        {
          type: 'deployment',
          id: githubEventIds.deployment(service, deployment.id),
          service,
          environment: String(status.environment ?? deployment.environment),
          status: state === 'success' ? 'success' : 'failure',
          startedAt,
          finishedAt,
          commitSha: String(deployment.sha),
        },
      ];
    }
    case 'push': {
      const branch = `refs/heads/${payload.repository?.default_branch}`;
      if (payload.ref !== branch || payload.deleted) return [];
      return (payload.commits ?? []).map((commit: Json) => ({
        type: 'change',
        id: `commit-${commit.id}`,
        service,
        sha: String(commit.id),
        authoredAt: String(commit.timestamp),
      }));
    }
    case 'pull_request': {
      const pr = payload.pull_request;
      if (payload.action !== 'closed' || !pr?.merged || !pr.merge_commit_sha) {
        return [];
      }
      return [
        {
          type: 'change',
          id: `pull-request-${pr.id}`,
          service,
          sha: String(pr.merge_commit_sha),
          // The first commit's time is not in the payload; the PR's creation
          // is the closest lower bound the webhook offers.
          authoredAt: String(pr.created_at),
          prNumber: Number(pr.number),
          labels: labelNames(pr.labels),
        },
      ];
    }
    case 'issues': {
      const issue = payload.issue;
      const labels = labelNames(issue?.labels);
      if (!labels.some(l => options.incidentLabels.includes(l))) return [];
      return [
        {
          type: 'incident',
          id: `issue-${issue.id}`,
          service,
          environment: 'production',
          openedAt: String(issue.created_at),
          ...(issue.state === 'closed' && issue.closed_at
            ? { resolvedAt: String(issue.closed_at) }
            : {}),
        },
      ];
    }
    default:
      return [];
  }
}
