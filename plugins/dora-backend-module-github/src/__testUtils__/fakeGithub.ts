import { http, HttpResponse, type JsonBodyType } from 'msw';
import {
  type GithubAnswer,
  type LocalCommit,
  type LocalDeployment,
  LocalGithubApi,
  type LocalPullRequest,
  type LocalRepository,
  rateLimitAnswer,
  secondaryRateLimitAnswer,
  serverErrorAnswer,
} from '@paved/github-local';

/**
 * A fake GitHub REST API for msw: the repository model and answers of
 * `@paved/github-local` (the HTTP stand-in a running backend uses), plus
 * one-off failures for a test's requests.
 */

export { sha } from '@paved/github-local';

export const API_BASE_URL = 'https://api.github.test';
export const TOKEN = 'ghs_0000000000000000000000000000000000001';

export type FakeCommit = LocalCommit;
export type FakeDeployment = LocalDeployment;
export type FakePullRequest = LocalPullRequest;
export type FakeRepository = LocalRepository;

/** A canned failure answered to matching requests before the real answer. */
type Failure = { match: RegExp; times: number; respond: () => Response };

function toResponse(answer: GithubAnswer) {
  return HttpResponse.json(answer.body as JsonBodyType, {
    status: answer.status,
    headers: answer.headers,
  });
}

export class FakeGithub {
  readonly #api = new LocalGithubApi({ token: TOKEN });
  #failures: Failure[] = [];

  /** The repositories by `owner/name` in lower case. */
  get repositories() {
    return this.#api.repositories;
  }

  /** Every request served, as `GET /path?query`. */
  get requests() {
    return this.#api.requests;
  }

  add(repository: FakeRepository) {
    return this.#api.add(repository);
  }

  /** Answers the next `times` requests matching `match` with `respond()`. */
  fail(match: RegExp, respond: () => Response, times = 1) {
    this.#failures.push({ match, times, respond });
  }

  requestsTo(match: RegExp) {
    return this.requests.filter(r => match.test(r));
  }

  handlers() {
    return [
      http.all(`${API_BASE_URL}/*`, ({ request }) => {
        const answer = this.#api.answer(
          {
            method: request.method,
            url: new URL(request.url),
            authorization: request.headers.get('authorization'),
          },
          line => {
            const failure = this.#failures.find(
              f => f.times > 0 && f.match.test(line),
            );
            if (!failure) return undefined;
            failure.times -= 1;
            return failure.respond();
          },
        );
        return answer instanceof Response ? answer : toResponse(answer);
      }),
    ];
  }
}

/** GitHub's primary rate limit answer: remaining 0 until `reset`. */
export function rateLimited(resetEpochSeconds: number) {
  return () => toResponse(rateLimitAnswer(resetEpochSeconds));
}

/** A secondary rate limit: 403 with GitHub's message and no wait header. */
export function secondaryRateLimited() {
  return () => toResponse(secondaryRateLimitAnswer(403));
}

/** A 429 with `retry-after`. */
export function retryAfter(seconds: number) {
  return () => toResponse(secondaryRateLimitAnswer(429, seconds));
}

/** A 5xx with the recorded error body's shape. */
export function serverError(status = 502) {
  return () => toResponse(serverErrorAnswer(status));
}
