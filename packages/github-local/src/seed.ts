import type { LocalCommit, LocalRepository } from './model';
import { sha } from './model';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * A repository with two weeks of delivery before `now`: eight commits on
 * main, one of them the squash merge of pull request #7 (labelled
 * `enhancement`, first commit three days before it merged), and production
 * deployments of which three succeeded and one failed, plus one to staging.
 * Every deployment has finished, so a poller reads them all at once.
 */
export function seededRepository(
  now: Date,
  slug: { owner: string; name: string } = {
    owner: 'fernhill',
    name: 'paved',
  },
): LocalRepository {
  const at = (days: number, minutes = 0) =>
    new Date(now.getTime() - days * DAY + minutes * MINUTE).toISOString();
  const key = `${slug.owner}/${slug.name}`;
  const commit = (n: number, message: string, days: number): LocalCommit => ({
    sha: sha(`${key}:${n}`),
    message,
    authoredAt: at(days),
  });
  const history = [
    commit(1, 'Start the service', 14),
    commit(2, 'Add health checks', 12),
    commit(3, 'Read settings from the environment', 10),
    commit(4, 'Add the deployment workflow (#7)', 8),
    commit(5, 'Fix a typo in the README', 7),
    commit(6, 'Bump dependencies', 5),
    commit(7, 'Cache catalog reads', 3),
    commit(8, 'Log slow requests', 2),
  ];
  const deployment = (
    id: number,
    target: LocalCommit,
    days: number,
    states: string[],
    environment = 'production',
  ) => ({
    id,
    sha: target.sha,
    environment,
    createdAt: at(days),
    statuses: states.map((state, i) => ({
      state,
      createdAt: at(days, 4 * (i + 1)),
    })),
  });
  return {
    ...slug,
    history,
    deployments: [
      deployment(1001, history[1], 11.9, [
        'in_progress',
        'success',
        'inactive',
      ]),
      deployment(1002, history[3], 7.9, ['in_progress', 'success', 'inactive']),
      deployment(1003, history[5], 4.9, ['in_progress', 'failure']),
      deployment(1004, history[6], 2.9, ['queued', 'in_progress', 'success']),
      deployment(1005, history[7], 1.9, ['success'], 'staging'),
    ],
    pulls: [
      {
        number: 7,
        mergeCommitSha: history[3].sha,
        mergedAt: history[3].authoredAt,
        labels: ['enhancement'],
        commits: [
          {
            sha: sha(`${key}:pr7-1`),
            message: 'Draft the workflow',
            authoredAt: at(11),
          },
          {
            sha: sha(`${key}:pr7-2`),
            message: 'Deploy on tags',
            authoredAt: at(9),
          },
        ],
      },
    ],
  };
}
