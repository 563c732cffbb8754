import { Link } from '@backstage/ui';
import type { UpgradeRun } from '@paved/plugin-scorecards-common';
import { formatDay } from '@paved/portal-ui';

/** What became of a component's latest upgrade run, in words. */
const statusText = (run: UpgradeRun) => {
  const day = formatDay(run.createdAt);
  switch (run.status) {
    case 'completed':
      return run.pullRequestUrl
        ? `Upgrade run on ${day}; merge its pull request to finish.`
        : `Upgrade run on ${day} onto a branch; merge it to finish.`;
    case 'failed':
      return `The upgrade run on ${day} failed.`;
    case 'cancelled':
      return `The upgrade run on ${day} was cancelled.`;
    default:
      return `Upgrade running since ${day}.`;
  }
};

/**
 * A component's latest run of the upgrade template, for a campaign that
 * asks for a template upgrade: what became of it, its pull request when it
 * opened one, and the run's page (the scaffolder's task).
 */
export const UpgradeRunNote = ({ run }: { run: UpgradeRun }) => (
  <>
    {statusText(run)}{' '}
    {run.pullRequestUrl && (
      <>
        <Link href={run.pullRequestUrl} target="_blank" rel="noopener">
          Pull request
        </Link>
        {' · '}
      </>
    )}
    <Link href={`/create/tasks/${encodeURIComponent(run.taskId)}`}>
      Open the run
    </Link>
  </>
);
