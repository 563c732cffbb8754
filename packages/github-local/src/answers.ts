import {
  activate,
  type ActiveFault,
  errorAnswer,
  faultAnswer,
  type GithubFault,
} from './faults';
import {
  type LocalCommit,
  type LocalDeployment,
  type LocalPullRequest,
  type LocalRepository,
  repositoryKey,
  sha,
} from './model';
import { recorded } from './recorded';

/** An answer, independent of the HTTP library that sends it. */
export type GithubAnswer = {
  status: number;
  headers: Record<string, string>;
  body: unknown;
};

/** What an answer depends on: the method, the full URL and the token. */
export type GithubRequest = {
  method: string;
  /** As the client sent it: its origin is the API base URL in answers. */
  url: URL;
  authorization?: string | null;
};

type Route = {
  pattern: RegExp;
  answer: (
    repository: LocalRepository,
    params: string[],
    url: URL,
    api: string,
  ) => GithubAnswer;
};

const REPO = '^/repos/([^/]+)/([^/]+)';

const ROUTES: Route[] = [
  {
    pattern: new RegExp(`${REPO}/deployments$`),
    answer: (repo, _params, url, api) => {
      const environment = url.searchParams.get('environment');
      const deployments = repo.deployments
        .filter(d => !environment || d.environment === environment)
        .sort((a, b) => b.id - a.id)
        .map(d => restDeployment(api, d));
      return paginated(url, deployments);
    },
  },
  {
    pattern: new RegExp(`${REPO}/deployments/(\\d+)/statuses$`),
    answer: (repo, [id], url, api) => {
      const deployment = repo.deployments.find(d => d.id === Number(id));
      if (!deployment) return notFound();
      const statuses = deployment.statuses
        .map((s, index) => restStatus(api, deployment, s, index))
        .reverse(); // newest first
      return paginated(url, statuses);
    },
  },
  {
    pattern: new RegExp(`${REPO}/compare/([^/]+)$`),
    answer: (repo, [basehead], url, api) => compare(repo, basehead, url, api),
  },
  {
    pattern: new RegExp(`${REPO}/commits/([^/]+)/pulls$`),
    answer: (repo, [commitSha], _url, api) =>
      json(
        repo.pulls
          .filter(
            p =>
              p.mergeCommitSha === commitSha ||
              p.commits.some(c => c.sha === commitSha),
          )
          .map(p => restPull(api, p)),
      ),
  },
  {
    pattern: new RegExp(`${REPO}/pulls/(\\d+)/commits$`),
    answer: (repo, [number], url, api) => {
      const pull = repo.pulls.find(p => p.number === Number(number));
      if (!pull) return notFound();
      return paginated(
        url,
        pull.commits.map((c, i) =>
          restCommit(repo, api, c, pull.commits[i - 1]?.sha),
        ),
      );
    },
  },
];

function json(body: unknown, headers: Record<string, string> = {}) {
  return {
    status: 200,
    headers: {
      ...recorded.okHeaders,
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      ...headers,
    },
    body,
  };
}

function notFound() {
  return errorAnswer(404, {
    message: 'Not Found',
    documentation_url: 'https://docs.github.com/rest',
  });
}

/**
 * A page of `items` as GitHub pages lists: `per_page` (default 30) and
 * `page`, with a Link header naming the next and last pages.
 */
function paginated(url: URL, items: unknown[], maxPerPage = 100) {
  const { perPage, page, slice } = pageOf(url, items, 30, maxPerPage);
  return json(slice, linkHeader(url, page, Math.ceil(items.length / perPage)));
}

function pageOf<T>(
  url: URL,
  items: T[],
  defaultPerPage: number,
  maxPerPage: number,
) {
  const perPage = Math.min(
    Number(url.searchParams.get('per_page') ?? defaultPerPage),
    maxPerPage,
  );
  const page = Number(url.searchParams.get('page') ?? 1);
  return {
    perPage,
    page,
    slice: items.slice((page - 1) * perPage, page * perPage),
  };
}

function linkHeader(
  url: URL,
  page: number,
  lastPage: number,
): Record<string, string> {
  const at = (n: number) => {
    const u = new URL(url);
    u.searchParams.set('page', String(n));
    return u.toString();
  };
  const links = [];
  if (page < lastPage) {
    links.push(
      `<${at(page + 1)}>; rel="next"`,
      `<${at(lastPage)}>; rel="last"`,
    );
  }
  if (page > 1) {
    links.push(`<${at(page - 1)}>; rel="prev"`, `<${at(1)}>; rel="first"`);
  }
  return links.length > 0 ? { link: links.join(', ') } : {};
}

/**
 * `GET /repos/{owner}/{repo}/compare/{base}...{head}`: without paging
 * parameters GitHub lists at most 250 commits; with `per_page`/`page` it
 * pages them (up to 100 a page), `total_commits` always counting all.
 */
function compare(
  repo: LocalRepository,
  basehead: string,
  url: URL,
  api: string,
) {
  const [base, head] = basehead.split('...');
  const baseIndex = repo.history.findIndex(c => c.sha === base);
  const headIndex = repo.history.findIndex(c => c.sha === head);
  if (baseIndex < 0 || headIndex < 0) return notFound();
  const commits = repo.history
    .slice(baseIndex + 1, headIndex + 1)
    .map((c, i) => restCommit(repo, api, c, repo.history[baseIndex + i]?.sha));
  const paging =
    url.searchParams.has('per_page') || url.searchParams.has('page');
  const { perPage, page, slice } = paging
    ? pageOf(url, commits, 250, 100)
    : { perPage: 250, page: 1, slice: commits.slice(0, 250) };
  const repoUrl = `https://github.com/${repo.owner}/${repo.name}`;
  const baseCommit = restCommit(repo, api, repo.history[baseIndex]);
  return json(
    {
      url: `${api}/compare/${basehead}`,
      html_url: `${repoUrl}/compare/${basehead}`,
      permalink_url: `${repoUrl}/compare/${repo.owner}:${base}...${repo.owner}:${head}`,
      diff_url: `${repoUrl}/compare/${basehead}.diff`,
      patch_url: `${repoUrl}/compare/${basehead}.patch`,
      base_commit: baseCommit,
      merge_base_commit: baseCommit,
      status: commits.length > 0 ? 'ahead' : 'identical',
      ahead_by: commits.length,
      behind_by: 0,
      total_commits: commits.length,
      commits: slice,
      ...(page === 1 ? { files: [] } : {}),
    },
    paging ? linkHeader(url, page, Math.ceil(commits.length / perPage)) : {},
  );
}

function restCommit(
  repo: LocalRepository,
  api: string,
  c: LocalCommit,
  parentSha?: string,
) {
  const html = `https://github.com/${repo.owner}/${repo.name}`;
  const person = (date: string) => ({
    name: recorded.user.login,
    email: `${recorded.user.login}@users.noreply.github.com`,
    date,
  });
  return {
    sha: c.sha,
    node_id: Buffer.from(`Commit:${c.sha}`).toString('base64'),
    commit: {
      author: person(c.authoredAt),
      committer: person(c.authoredAt),
      message: c.message,
      tree: { sha: sha(`tree-${c.sha}`), url: `${api}/git/trees/${c.sha}` },
      url: `${api}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
      },
    },
    url: `${api}/commits/${c.sha}`,
    html_url: `${html}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    author: recorded.user,
    committer: recorded.user,
    parents: parentSha
      ? [
          {
            sha: parentSha,
            url: `${api}/commits/${parentSha}`,
            html_url: `${html}/commit/${parentSha}`,
          },
        ]
      : [],
  };
}

function restDeployment(api: string, d: LocalDeployment) {
  return {
    ...recorded.deployment.deployment,
    url: `${api}/deployments/${d.id}`,
    id: d.id,
    sha: d.sha,
    ref: 'main',
    environment: d.environment,
    original_environment: d.environment,
    created_at: d.createdAt,
    updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
    statuses_url: `${api}/deployments/${d.id}/statuses`,
    repository_url: api,
  };
}

function restStatus(
  api: string,
  d: LocalDeployment,
  s: LocalDeployment['statuses'][number],
  index: number,
) {
  const id = d.id * 100 + index;
  return {
    ...recorded.deployment.deployment_status,
    url: `${api}/deployments/${d.id}/statuses/${id}`,
    id,
    state: s.state,
    environment: d.environment,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: `${api}/deployments/${d.id}`,
    repository_url: api,
  };
}

function restPull(api: string, p: LocalPullRequest) {
  const template = recorded.labels[0];
  return {
    ...recorded.pullRequest,
    url: `${api}/pulls/${p.number}`,
    number: p.number,
    state: 'closed',
    merged_at: p.mergedAt,
    closed_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    labels: p.labels.map(
      name =>
        recorded.labels.find(l => l.name === name) ?? { ...template, name },
    ),
  };
}

/**
 * The GitHub REST API the DORA poller reads, answered in GitHub's
 * documented shapes from an in-memory model of repositories: deployments
 * (newest first, filtered by environment), their statuses, compare (paged
 * past 250 commits), the pull requests of a commit and a pull request's
 * commits. Paged as GitHub pages (`per_page`, `page`, a Link header).
 * Requests need `Authorization: token|bearer <token>` (401 otherwise).
 * Used by the HTTP stand-in (`LocalGithub`) and by msw handlers in tests.
 */
export class LocalGithubApi {
  /** The repositories by `owner/name` in lower case. */
  readonly repositories = new Map<string, LocalRepository>();
  /** Every request answered, as `GET /path?query`. */
  readonly requests: string[] = [];
  readonly #token: string;
  readonly #now: () => Date;
  #fault: ActiveFault | undefined;

  constructor(options: { token: string; now?: () => Date }) {
    this.#token = options.token;
    this.#now = options.now ?? (() => new Date());
  }

  add(repository: LocalRepository) {
    this.repositories.set(
      repositoryKey(repository.owner, repository.name),
      repository,
    );
    return repository;
  }

  /** Sets (or with `undefined` clears) the fault every request meets. */
  setFault(fault: GithubFault | undefined) {
    this.#fault = fault ? activate(fault, this.#now()) : undefined;
  }

  /** The fault in force, if any (a rate limit past its reset has ended). */
  get fault(): GithubFault | undefined {
    if (this.#fault && !faultAnswer(this.#fault, this.#now())) {
      this.#fault = undefined;
    }
    return this.#fault?.fault;
  }

  /**
   * Answers one request: records it, checks the token, then the fault in
   * force, then `intercept` (a test's one-off answer for this request line),
   * then the repositories.
   */
  answer<T = never>(
    request: GithubRequest,
    intercept?: (line: string) => T | undefined,
  ): GithubAnswer | T {
    const { url } = request;
    const line = `${request.method.toUpperCase()} ${url.pathname}${url.search}`;
    this.requests.push(line);
    const bearer = /^(token|bearer) (.+)$/i.exec(request.authorization ?? '');
    if (!bearer || bearer[2].trim() !== this.#token) {
      return errorAnswer(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
      });
    }
    const fault = this.fault && faultAnswer(this.#fault!, this.#now());
    if (fault) return fault;
    const intercepted = intercept?.(line);
    if (intercepted !== undefined) return intercepted;
    if (request.method.toUpperCase() !== 'GET') return notFound();
    for (const route of ROUTES) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const [owner, name, ...params] = match.slice(1).map(decodeURIComponent);
      const repository = this.repositories.get(repositoryKey(owner, name));
      if (!repository) return notFound();
      const api = `${url.origin}/repos/${repository.owner}/${repository.name}`;
      return route.answer(repository, params, url, api);
    }
    return notFound();
  }
}
