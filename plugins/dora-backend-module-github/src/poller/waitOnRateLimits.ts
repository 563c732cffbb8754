import type { Octokit } from '@octokit/rest';
import type { LoggerService } from '@backstage/backend-plugin-api';

/** Retries of one request after 5xx responses before it fails. */
export const SERVER_ERROR_RETRIES = 3;
/** Backoff after the first 5xx; doubled after each further one. */
export const SERVER_ERROR_BACKOFF_MS = 2_000;
/** Waits of one request for rate limits before it fails. */
export const RATE_LIMIT_RETRIES = 10;
/** Back-off after a secondary rate limit that names no time to wait. */
export const SECONDARY_RATE_LIMIT_WAIT_MS = 60_000;
/** The longest single wait; a longer one is cut to this and logged. */
export const MAX_WAIT_MS = 15 * 60_000;

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = ms =>
  new Promise(resolve => setTimeout(resolve, ms));

/** A failed request the way `@octokit/request` reports it. */
type RequestFailure = {
  status: number;
  message?: string;
  response?: { headers?: Record<string, unknown>; data?: unknown };
};

function isRequestFailure(error: unknown): error is RequestFailure {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}

function header(failure: RequestFailure, name: string): string | undefined {
  const value = failure.response?.headers?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

function bodyMessage(failure: RequestFailure): string {
  const data = failure.response?.data as { message?: unknown } | undefined;
  return String(data?.message ?? failure.message ?? '');
}

export type RetryableFailure =
  | { kind: 'rate limit'; waitMs: number }
  | { kind: 'server error' };

/**
 * Whether GitHub asked us to wait (and how long) or failed on its side; any
 * other failure (401, 404, a 403 that is a real permission problem) is
 * undefined and is not retried.
 */
export function classifyFailure(
  error: unknown,
  now: Date,
): RetryableFailure | undefined {
  if (!isRequestFailure(error)) return undefined;
  if (error.status === 403 || error.status === 429) {
    const retryAfter = header(error, 'retry-after');
    if (retryAfter !== undefined && Number.isFinite(Number(retryAfter))) {
      return { kind: 'rate limit', waitMs: Number(retryAfter) * 1000 };
    }
    const reset = header(error, 'x-ratelimit-reset');
    if (header(error, 'x-ratelimit-remaining') === '0' && reset) {
      // One second past the reset, so the retry lands in the new window.
      const waitMs = Number(reset) * 1000 - now.getTime() + 1000;
      return { kind: 'rate limit', waitMs: Math.max(waitMs, 1000) };
    }
    if (
      error.status === 429 ||
      /secondary rate limit/i.test(bodyMessage(error))
    ) {
      return { kind: 'rate limit', waitMs: SECONDARY_RATE_LIMIT_WAIT_MS };
    }
    return undefined;
  }
  return error.status >= 500 ? { kind: 'server error' } : undefined;
}

/**
 * Makes every request of this Octokit wait out GitHub's rate limits
 * (primary: `x-ratelimit-remaining: 0` until `x-ratelimit-reset`;
 * `retry-after`; secondary limits without headers: a minute) and retry 5xx
 * responses with a doubling backoff, instead of failing. A request still
 * failing after {@link RATE_LIMIT_RETRIES} waits or
 * {@link SERVER_ERROR_RETRIES} retries fails with GitHub's error.
 */
export function waitOnRateLimits(
  octokit: Octokit,
  options: { sleep: Sleep; now: () => Date; logger: LoggerService },
): Octokit {
  const { sleep, now, logger } = options;
  octokit.hook.wrap('request', async (request, requestOptions) => {
    const what = `${requestOptions.method} ${requestOptions.url}`;
    let rateLimitWaits = 0;
    let serverErrors = 0;
    for (;;) {
      try {
        return await request(requestOptions);
      } catch (error) {
        const failure = classifyFailure(error, now());
        if (!failure) throw error;
        let waitMs: number;
        if (failure.kind === 'server error') {
          serverErrors += 1;
          if (serverErrors > SERVER_ERROR_RETRIES) throw error;
          waitMs = SERVER_ERROR_BACKOFF_MS * 2 ** (serverErrors - 1);
        } else {
          rateLimitWaits += 1;
          if (rateLimitWaits > RATE_LIMIT_RETRIES) throw error;
          waitMs = failure.waitMs;
        }
        if (waitMs > MAX_WAIT_MS) {
          logger.warn(
            `GitHub asked to wait ${Math.round(
              waitMs / 1000,
            )}s on ${what}; waiting ${MAX_WAIT_MS / 1000}s, then retrying`,
          );
          waitMs = MAX_WAIT_MS;
        }
        logger.info(
          `GitHub ${failure.kind} on ${what} (${
            (error as RequestFailure).status
          }): waiting ${Math.round(waitMs / 1000)}s before retrying`,
        );
        await sleep(waitMs);
      }
    }
  });
  return octokit;
}
