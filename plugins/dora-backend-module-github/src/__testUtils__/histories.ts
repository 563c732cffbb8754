import { type FakeCommit, type FakeRepository, sha } from './fakeGithub';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A timestamp `days` before `now`, plus `minutes`. */
export const ago = (now: Date, days: number, minutes = 0) =>
  new Date(now.getTime() - days * DAY + minutes * MINUTE).toISOString();

export function component(name: string, slug: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'github.com/project-slug': slug },
    },
    spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
  };
}

/**
 * fernhill/payments-api over the last six weeks: a first deployment, a
 * failed one, one delivering a plain commit and a squash-merged pull
 * request (#42, labelled `bug`, first commit 25 days ago), one more
 * commit, and a deployment still in progress. A staging deployment must
 * not be read when only production is configured.
 */
export function paymentsApi(now: Date) {
  const commit = (seed: string, message: string, days: number) => ({
    sha: sha(seed),
    message,
    authoredAt: ago(now, days),
  });
  const c1 = commit('c1', 'Initial payments API', 40);
  const c2 = commit('c2', 'Add idempotency keys', 30);
  const squash = commit(
    's3',
    'Retry failed card payments (#42)\n\n* Add retry policy\n* Add dashboard',
    20,
  );
  const c4 = commit('c4', 'Fix typo in README', 19);
  const c5 = commit('c5', 'Bump dependencies', 1);
  const pr42: FakeCommit[] = [
    commit('p1', 'Add retry policy', 25),
    commit('p2', 'Add dashboard', 22),
  ];
  const deployment = (
    id: number,
    target: FakeCommit,
    days: number,
    states: string[],
    environment = 'production',
  ) => ({
    id,
    sha: target.sha,
    environment,
    createdAt: ago(now, days),
    statuses: states.map((state, i) => ({
      state,
      createdAt: ago(now, days, 5 * (i + 1)),
    })),
  });
  const repository: FakeRepository = {
    owner: 'fernhill',
    name: 'payments-api',
    history: [c1, c2, squash, c4, c5],
    deployments: [
      deployment(100, c1, 39, ['in_progress', 'success', 'inactive']),
      deployment(101, c2, 29, ['in_progress', 'error']),
      deployment(102, squash, 19.5, ['queued', 'success', 'inactive']),
      deployment(103, c4, 18, ['success']),
      deployment(104, c5, 1 / 24, ['queued', 'in_progress']),
      deployment(105, c5, 1 / 24, ['success'], 'staging'),
    ],
    pulls: [
      {
        number: 42,
        mergeCommitSha: squash.sha,
        mergedAt: squash.authoredAt,
        // A fix written with an assistant: rework, and AI-assisted.
        labels: ['bug', 'ai-assisted'],
        commits: pr42,
      },
    ],
  };
  return { repository, commits: { c1, c2, squash, c4, c5, pr42 } };
}

/** Fernhill/Ledger: two successful deployments, two commits between. */
export function ledger(now: Date) {
  const commits = ['l1', 'l2', 'l3'].map((seed, i) => ({
    sha: sha(seed),
    message: `Ledger change ${i + 1}`,
    authoredAt: ago(now, 10 - i),
  }));
  const repository: FakeRepository = {
    owner: 'Fernhill', // GitHub names are case-insensitive
    name: 'Ledger',
    history: commits,
    deployments: [
      {
        id: 200,
        sha: commits[0].sha,
        environment: 'production',
        createdAt: ago(now, 9),
        statuses: [{ state: 'success', createdAt: ago(now, 9, 3) }],
      },
      {
        id: 201,
        sha: commits[2].sha,
        environment: 'production',
        createdAt: ago(now, 7),
        statuses: [{ state: 'success', createdAt: ago(now, 7, 3) }],
      },
    ],
    pulls: [],
  };
  return { repository, commits };
}
