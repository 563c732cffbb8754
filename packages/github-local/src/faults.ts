import type { GithubAnswer } from './answers';
import { recorded } from './recorded';

/**
 * What the stand-in answers instead of the real answer, for every request
 * with a valid token, until the fault is cleared:
 * - `error`: `status` (default 502) with GitHub's error body;
 * - `rate-limit`: GitHub's primary rate limit, 403 with
 *   `x-ratelimit-remaining: 0` and `x-ratelimit-reset` `resetInSeconds`
 *   (default 60) after the fault was set; it ends by itself at the reset,
 *   as GitHub's window does;
 * - `secondary-rate-limit`: 403 (or `status: 429`) with GitHub's secondary
 *   rate limit message and `retry-after: retryAfterSeconds` (default 60).
 */
export type GithubFault =
  | { kind: 'error'; status?: number }
  | { kind: 'rate-limit'; resetInSeconds?: number }
  | {
      kind: 'secondary-rate-limit';
      status?: 403 | 429;
      retryAfterSeconds?: number;
    };

const REQUEST_ID = '0000:00000:0000000:0000000:00000000';

export function errorAnswer(
  status: number,
  body: object,
  headers: Record<string, string> = {},
): GithubAnswer {
  return {
    status,
    headers: { ...recorded.errorHeaders, ...headers },
    body,
  };
}

/** A 5xx with the recorded error body's shape, as GitHub's `Server Error`. */
export function serverErrorAnswer(status = 502): GithubAnswer {
  return errorAnswer(status, {
    message: 'Server Error',
    documentation_url: recorded.errorBody.documentation_url,
  });
}

/** GitHub's primary rate limit: 403, remaining 0 until `reset` (epoch s). */
export function rateLimitAnswer(resetEpochSeconds: number): GithubAnswer {
  return errorAnswer(
    403,
    {
      message: `API rate limit exceeded for installation ID 1000. If you reach out to GitHub Support for help, please include the request ID ${REQUEST_ID}.`,
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
    },
    {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      'x-ratelimit-reset': String(Math.floor(resetEpochSeconds)),
      'x-ratelimit-resource': 'core',
    },
  );
}

/**
 * A secondary rate limit: 403 or 429 with GitHub's message, and
 * `retry-after` when `retryAfterSeconds` is given (GitHub does not always
 * send it).
 */
export function secondaryRateLimitAnswer(
  status: 403 | 429 = 403,
  retryAfterSeconds?: number,
): GithubAnswer {
  return errorAnswer(
    status,
    {
      message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${REQUEST_ID}.`,
      documentation_url:
        'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    },
    retryAfterSeconds === undefined
      ? {}
      : { 'retry-after': String(retryAfterSeconds) },
  );
}

/** A fault as it is in force: a rate limit's reset fixed when it was set. */
export type ActiveFault = { fault: GithubFault; resetEpochSeconds?: number };

export function activate(fault: GithubFault, now: Date): ActiveFault {
  if (fault.kind !== 'rate-limit') return { fault };
  return {
    fault,
    resetEpochSeconds:
      Math.floor(now.getTime() / 1000) + (fault.resetInSeconds ?? 60),
  };
}

/** The answer of a fault in force, or undefined when it has ended. */
export function faultAnswer(
  active: ActiveFault,
  now: Date,
): GithubAnswer | undefined {
  const { fault } = active;
  switch (fault.kind) {
    case 'error':
      return serverErrorAnswer(fault.status ?? 502);
    case 'rate-limit':
      if (now.getTime() >= active.resetEpochSeconds! * 1000) return undefined;
      return rateLimitAnswer(active.resetEpochSeconds!);
    case 'secondary-rate-limit':
    default:
      return secondaryRateLimitAnswer(
        fault.status ?? 403,
        fault.retryAfterSeconds ?? 60,
      );
  }
}

function nonNegative(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new Error(`${name} must be a number of seconds, 0 or more`);
  }
  return value;
}

/** The fault of a `PUT` body; throws a message for anything else. */
export function parseFault(body: unknown): GithubFault {
  const f = (body ?? {}) as Record<string, unknown>;
  if (f.kind === 'error') {
    if (f.status === undefined) return { kind: 'error' };
    if (typeof f.status !== 'number' || !(f.status >= 500 && f.status <= 599)) {
      throw new Error('status must be a number from 500 to 599');
    }
    return { kind: 'error', status: f.status };
  }
  if (f.kind === 'rate-limit') {
    const resetInSeconds = nonNegative(f.resetInSeconds, 'resetInSeconds');
    return {
      kind: 'rate-limit',
      ...(resetInSeconds === undefined ? {} : { resetInSeconds }),
    };
  }
  if (f.kind === 'secondary-rate-limit') {
    if (f.status !== undefined && f.status !== 403 && f.status !== 429) {
      throw new Error('status must be 403 or 429');
    }
    const retryAfterSeconds = nonNegative(
      f.retryAfterSeconds,
      'retryAfterSeconds',
    );
    return {
      kind: 'secondary-rate-limit',
      ...(f.status === undefined ? {} : { status: f.status }),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
  }
  throw new Error(
    'expected {"kind":"error"|"rate-limit"|"secondary-rate-limit", ...}',
  );
}
