import type { Octokit, RestEndpointMethodTypes } from '@octokit/rest';

export type GithubDeployment =
  RestEndpointMethodTypes['repos']['listDeployments']['response']['data'][number];
export type GithubCommit =
  RestEndpointMethodTypes['repos']['compareCommitsWithBasehead']['response']['data']['commits'][number];

/** How a finished deployment ended, from its newest final status. */
export type DeploymentOutcome = {
  status: 'success' | 'failure';
  finishedAt: string;
  /** GitHub's time of that status, which orders it among the others. */
  observedAt: string;
};

/** The pull request a commit is the (squash) merge of. */
export type MergedPullRequest = {
  number: number;
  labels: string[];
  /** The earliest authored date of the pull request's own commits. */
  firstAuthoredAt?: string;
};

const PER_PAGE = 100;

const FINAL_STATES: Record<string, DeploymentOutcome['status']> = {
  success: 'success',
  failure: 'failure',
  error: 'failure',
};

/**
 * The pull request number a commit message names the way GitHub writes merge
 * commits: "Title (#123)" for squash merges, "Merge pull request #123 from …"
 * for merge commits.
 */
export function pullRequestHint(message: string): number | undefined {
  const title = message.split('\n', 1)[0].trim();
  const match =
    /\(#(\d+)\)$/.exec(title) ?? /^Merge pull request #(\d+)\b/.exec(title);
  return match ? Number(match[1]) : undefined;
}

export function authoredAt(commit: {
  commit: {
    author: { date?: string } | null;
    committer: { date?: string } | null;
  };
}): string | undefined {
  return commit.commit.author?.date ?? commit.commit.committer?.date;
}

/** What the poller reads from one GitHub repository. */
export class GithubRepositoryReader {
  readonly #octokit: Octokit;
  readonly #owner: string;
  readonly #repo: string;

  constructor(octokit: Octokit, owner: string, repo: string) {
    this.#octokit = octokit;
    this.#owner = owner;
    this.#repo = repo;
  }

  /**
   * Deployments to an environment newer than `afterId` (or, without it,
   * created at or after `since`), oldest first. GitHub lists deployments
   * newest first, so paging stops at the first one already seen.
   */
  async deploymentsAfter(
    environment: string,
    bound: { afterId?: number; since: Date },
  ): Promise<GithubDeployment[]> {
    const isNew = (d: GithubDeployment) =>
      bound.afterId !== undefined
        ? d.id > bound.afterId
        : Date.parse(d.created_at) >= bound.since.getTime();
    const found: GithubDeployment[] = [];
    const pages = this.#octokit.paginate.iterator(
      'GET /repos/{owner}/{repo}/deployments',
      {
        owner: this.#owner,
        repo: this.#repo,
        environment,
        per_page: PER_PAGE,
      },
    );
    for await (const page of pages) {
      const fresh = page.data.filter(isNew);
      found.push(...fresh);
      if (fresh.length < page.data.length) break;
    }
    return found.sort(
      (a, b) =>
        Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id,
    );
  }

  /**
   * The outcome of a deployment from its newest success, failure or error
   * status (later `inactive` statuses only mean it was superseded);
   * undefined while it has none, i.e. is still queued or in progress.
   */
  async outcomeOf(
    deployment: GithubDeployment,
  ): Promise<DeploymentOutcome | undefined> {
    const statuses = await this.#octokit.paginate(
      'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      {
        owner: this.#owner,
        repo: this.#repo,
        deployment_id: deployment.id,
        per_page: PER_PAGE,
      },
    );
    const final = statuses
      .filter(s => FINAL_STATES[s.state])
      .sort(
        (a, b) =>
          Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id,
      )[0];
    if (!final) return undefined;
    const finishedAt =
      Date.parse(final.created_at) < Date.parse(deployment.created_at)
        ? deployment.created_at
        : final.created_at;
    return {
      status: FINAL_STATES[final.state],
      finishedAt,
      observedAt: final.updated_at ?? final.created_at,
    };
  }

  /**
   * Every commit reachable from `head` but not from `base`. GitHub's compare
   * returns at most 250 commits unless paged, so it is paged until
   * `total_commits` are read. Undefined when GitHub cannot compare the two
   * (404: a sha no longer exists, or they share no history).
   */
  async commitsBetween(
    base: string,
    head: string,
  ): Promise<GithubCommit[] | undefined> {
    const commits: GithubCommit[] = [];
    for (let page = 1; ; page++) {
      let data;
      try {
        ({ data } = await this.#octokit.rest.repos.compareCommitsWithBasehead({
          owner: this.#owner,
          repo: this.#repo,
          basehead: `${base}...${head}`,
          per_page: PER_PAGE,
          page,
        }));
      } catch (error) {
        if ((error as { status?: number }).status === 404) return undefined;
        throw error;
      }
      commits.push(...data.commits);
      if (data.commits.length === 0 || commits.length >= data.total_commits) {
        return commits;
      }
    }
  }

  /**
   * The pull request whose merge commit `sha` is, with its labels and the
   * earliest authored date of its own commits (which a squash merge
   * replaces with one new commit).
   */
  async mergedPullRequest(sha: string): Promise<MergedPullRequest | undefined> {
    const { data: pulls } =
      await this.#octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        owner: this.#owner,
        repo: this.#repo,
        commit_sha: sha,
      });
    const pull = pulls.find(p => p.merge_commit_sha === sha && p.merged_at);
    if (!pull) return undefined;
    const commits = await this.#octokit.paginate(
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits',
      {
        owner: this.#owner,
        repo: this.#repo,
        pull_number: pull.number,
        per_page: PER_PAGE,
      },
    );
    const firstAuthoredAt = commits
      .map(authoredAt)
      .filter((date): date is string => Boolean(date))
      .sort((a, b) => Date.parse(a) - Date.parse(b))[0];
    return {
      number: pull.number,
      labels: pull.labels.map(l => l.name).filter(Boolean),
      ...(firstAuthoredAt ? { firstAuthoredAt } : {}),
    };
  }
}
