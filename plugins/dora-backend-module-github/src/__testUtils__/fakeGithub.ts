import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { http, HttpResponse, type JsonBodyType } from 'msw';
import examples from '@octokit/webhooks-examples';

/**
 * A fake GitHub REST API for msw, answering in GitHub's documented shapes
 * from a small in-memory model of repositories, built on recorded GitHub
 * responses: headers, users, labels and error bodies from `@octokit/fixtures`
 * (read from disk: the package is ESM-only), and deployment, deployment
 * status and pull request objects from `@octokit/webhooks-examples`.
 */

export const API_BASE_URL = 'https://api.github.test';
export const TOKEN = 'ghs_0000000000000000000000000000000000001';

type RecordedExchange = {
  method: string;
  path: string;
  status: number;
  response: any;
  headers: Record<string, string | number>;
};

function scenario(name: string): RecordedExchange[] {
  const dir = path.join(
    path.dirname(require.resolve('@octokit/fixtures/package.json')),
    'scenarios',
    'api.github.com',
    name,
  );
  return JSON.parse(
    fs.readFileSync(path.join(dir, 'normalized-fixture.json'), 'utf8'),
  );
}

/** Recorded headers minus those describing the recorded body itself. */
function reusableHeaders(headers: RecordedExchange['headers']) {
  const {
    'content-length': _length,
    connection: _connection,
    etag: _etag,
    ...rest
  } = headers;
  return Object.fromEntries(
    Object.entries(rest).map(([k, v]) => [k, String(v)]),
  );
}

function webhookExample(name: string, match: (payload: any) => boolean) {
  const found = examples.find(e => e.name === name)?.examples.find(match);
  if (!found) throw new Error(`no ${name} example`);
  return found as any;
}

const recorded = {
  /** Headers of a recorded 200 (`GET /repos/{owner}/{repo}`). */
  okHeaders: reusableHeaders(scenario('get-repository')[0].headers),
  /** Headers of a recorded error response (the `errors` scenario's 422). */
  errorHeaders: reusableHeaders(scenario('errors')[0].headers),
  errorBody: scenario('errors')[0].response,
  user: scenario('paginate-issues')[0].response[0].user,
  labels: scenario('labels')[0].response as Array<{ name: string }>,
  deployment: webhookExample(
    'deployment_status',
    p => p.deployment_status.state === 'success',
  ),
  pullRequest: webhookExample('pull_request', p => p.action === 'closed')
    .pull_request,
};

export type FakeCommit = { sha: string; message: string; authoredAt: string };

export type FakeDeployment = {
  id: number;
  sha: string;
  environment: string;
  createdAt: string;
  /** Oldest first, as they were posted. */
  statuses: Array<{ state: string; createdAt: string }>;
};

export type FakePullRequest = {
  number: number;
  mergeCommitSha: string;
  mergedAt: string;
  labels: string[];
  commits: FakeCommit[];
};

export type FakeRepository = {
  owner: string;
  name: string;
  /** The default branch, oldest commit first (linear history). */
  history: FakeCommit[];
  deployments: FakeDeployment[];
  pulls: FakePullRequest[];
};

/** A canned failure answered to matching requests before the real answer. */
type Failure = { match: RegExp; times: number; respond: () => Response };

/** A commit sha made from a readable seed. */
export const sha = (seed: string) =>
  createHash('sha1').update(seed).digest('hex');

export class FakeGithub {
  readonly repositories = new Map<string, FakeRepository>();
  /** Every request served, as `GET /path?query`. */
  readonly requests: string[] = [];
  #failures: Failure[] = [];

  add(repository: FakeRepository) {
    this.repositories.set(
      `${repository.owner}/${repository.name}`.toLowerCase(),
      repository,
    );
    return repository;
  }

  /** Answers the next `times` requests matching `match` with `respond()`. */
  fail(match: RegExp, respond: () => Response, times = 1) {
    this.#failures.push({ match, times, respond });
  }

  requestsTo(match: RegExp) {
    return this.requests.filter(r => match.test(r));
  }

  handlers() {
    const route = (
      pattern: string,
      answer: (
        repository: FakeRepository,
        params: Record<string, string>,
        url: URL,
      ) => Response,
    ) =>
      http.get(`${API_BASE_URL}${pattern}`, ({ request, params }) => {
        const url = new URL(request.url);
        const line = `GET ${url.pathname}${url.search}`;
        this.requests.push(line);
        if (
          !/^(token|bearer) /i.test(
            request.headers.get('authorization') ?? '',
          ) ||
          !request.headers.get('authorization')?.endsWith(TOKEN)
        ) {
          return errorResponse(401, { message: 'Bad credentials' });
        }
        const failure = this.#failures.find(
          f => f.times > 0 && f.match.test(line),
        );
        if (failure) {
          failure.times -= 1;
          return failure.respond();
        }
        const repository = this.repositories.get(
          `${params.owner}/${params.repo}`.toLowerCase(),
        );
        if (!repository) return notFound();
        return answer(repository, params as Record<string, string>, url);
      });

    return [
      route('/repos/:owner/:repo/deployments', (repo, _params, url) => {
        const environment = url.searchParams.get('environment');
        const deployments = repo.deployments
          .filter(d => !environment || d.environment === environment)
          .sort((a, b) => b.id - a.id)
          .map(d => restDeployment(repo, d));
        return paginated(url, deployments);
      }),
      route(
        '/repos/:owner/:repo/deployments/:id/statuses',
        (repo, params, url) => {
          const deployment = repo.deployments.find(
            d => d.id === Number(params.id),
          );
          if (!deployment) return notFound();
          const statuses = deployment.statuses
            .map((s, index) => restStatus(repo, deployment, s, index))
            .reverse(); // newest first
          return paginated(url, statuses);
        },
      ),
      route('/repos/:owner/:repo/compare/:basehead', (repo, params, url) =>
        compare(repo, params.basehead, url),
      ),
      route('/repos/:owner/:repo/commits/:sha/pulls', (repo, params) =>
        json(
          repo.pulls
            .filter(
              p =>
                p.mergeCommitSha === params.sha ||
                p.commits.some(c => c.sha === params.sha),
            )
            .map(p => restPull(repo, p)),
        ),
      ),
      route(
        '/repos/:owner/:repo/pulls/:number/commits',
        (repo, params, url) => {
          const pull = repo.pulls.find(p => p.number === Number(params.number));
          if (!pull) return notFound();
          return paginated(
            url,
            pull.commits.map((c, i) =>
              restCommit(repo, c, pull.commits[i - 1]?.sha),
            ),
          );
        },
      ),
    ];
  }
}

function json(
  body: JsonBodyType,
  init: { status?: number; headers?: Record<string, string> } = {},
) {
  return HttpResponse.json(body, {
    status: init.status ?? 200,
    headers: {
      ...recorded.okHeaders,
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      ...init.headers,
    },
  });
}

function errorResponse(
  status: number,
  body: JsonBodyType,
  headers: Record<string, string> = {},
) {
  return HttpResponse.json(body, {
    status,
    headers: { ...recorded.errorHeaders, ...headers },
  });
}

function notFound() {
  return errorResponse(404, {
    message: 'Not Found',
    documentation_url: 'https://docs.github.com/rest',
  });
}

/** GitHub's primary rate limit answer: remaining 0 until `reset`. */
export function rateLimited(resetEpochSeconds: number) {
  return () =>
    errorResponse(
      403,
      {
        message:
          'API rate limit exceeded for installation ID 1000. If you reach out to GitHub Support for help, please include the request ID 0000:00000:0000000:0000000:00000000.',
        documentation_url:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      },
      {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(resetEpochSeconds),
      },
    );
}

/** A secondary rate limit: 403 with GitHub's message and no wait header. */
export function secondaryRateLimited() {
  return () =>
    errorResponse(403, {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:00000:0000000:0000000:00000000.',
      documentation_url:
        'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    });
}

/** A 429 with `retry-after`. */
export function retryAfter(seconds: number) {
  return () =>
    errorResponse(
      429,
      { message: 'Too Many Requests' },
      { 'retry-after': String(seconds) },
    );
}

/** A 5xx with the recorded error body's shape. */
export function serverError(status = 502) {
  return () =>
    errorResponse(status, {
      ...recorded.errorBody,
      message: 'Server Error',
      errors: undefined,
    });
}

/**
 * A page of `items` as GitHub pages lists: `per_page` (default 30) and
 * `page`, with a Link header naming the next and last pages.
 */
function paginated(url: URL, items: unknown[], maxPerPage = 100) {
  const { perPage, page, slice } = pageOf(url, items, 30, maxPerPage);
  return json(slice as JsonBodyType, {
    headers: linkHeader(url, page, Math.ceil(items.length / perPage)),
  });
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

function linkHeader(url: URL, page: number, lastPage: number) {
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
  return links.length > 0 ? { link: links.join(', ') } : undefined;
}

/**
 * `GET /repos/{owner}/{repo}/compare/{base}...{head}`: without paging
 * parameters GitHub lists at most 250 commits; with `per_page`/`page` it
 * pages them (up to 100 a page), `total_commits` always counting all.
 */
function compare(repo: FakeRepository, basehead: string, url: URL) {
  const [base, head] = basehead.split('...');
  const baseIndex = repo.history.findIndex(c => c.sha === base);
  const headIndex = repo.history.findIndex(c => c.sha === head);
  if (baseIndex < 0 || headIndex < 0) return notFound();
  const commits = repo.history
    .slice(baseIndex + 1, headIndex + 1)
    .map((c, i) => restCommit(repo, c, repo.history[baseIndex + i]?.sha));
  const paging =
    url.searchParams.has('per_page') || url.searchParams.has('page');
  const { perPage, page, slice } = paging
    ? pageOf(url, commits, 250, 100)
    : { perPage: 250, page: 1, slice: commits.slice(0, 250) };
  const repoUrl = `https://github.com/${repo.owner}/${repo.name}`;
  const baseCommit = restCommit(repo, repo.history[baseIndex]);
  return json(
    {
      url: `${API_BASE_URL}/repos/${repo.owner}/${repo.name}/compare/${basehead}`,
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
      files: page === 1 ? [] : undefined,
    } as JsonBodyType,
    {
      headers: paging
        ? linkHeader(url, page, Math.ceil(commits.length / perPage))
        : undefined,
    },
  );
}

function restCommit(repo: FakeRepository, c: FakeCommit, parentSha?: string) {
  const api = `${API_BASE_URL}/repos/${repo.owner}/${repo.name}`;
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

function restDeployment(repo: FakeRepository, d: FakeDeployment) {
  const api = `${API_BASE_URL}/repos/${repo.owner}/${repo.name}`;
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
  repo: FakeRepository,
  d: FakeDeployment,
  s: FakeDeployment['statuses'][number],
  index: number,
) {
  const api = `${API_BASE_URL}/repos/${repo.owner}/${repo.name}`;
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

function restPull(repo: FakeRepository, p: FakePullRequest) {
  const template = recorded.labels[0];
  return {
    ...recorded.pullRequest,
    url: `${API_BASE_URL}/repos/${repo.owner}/${repo.name}/pulls/${p.number}`,
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
