import { isError, ServiceUnavailableError } from '@backstage/errors';
import type { ErrorRequestHandler } from 'express';

/** Seconds a client is told to wait before it retries a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** The longest database error message kept (and so logged). */
export const MAX_DATABASE_MESSAGE_LENGTH = 500;

/**
 * PostgreSQL error codes of a connection that is lost or cannot be had:
 * class 08 (connection exception), 57P01-57P03 (the server is shutting down
 * or starting up, or an administrator terminated the connection) and 53300
 * (too many connections).
 */
const LOST_CONNECTION_CODES = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** Node's socket errors on the way to the database server. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * What the PostgreSQL client and knex say when a connection died or none
 * could be had from the pool; they carry no code.
 */
const LOST_CONNECTION_MESSAGES =
  /Connection terminated|not queryable|Timeout acquiring a connection|Connection ended unexpectedly/i;

/**
 * Writes that lost to a concurrent one and succeed when sent again:
 * PostgreSQL's serialization failure and deadlock (40001, 40P01), and
 * SQLite's busy and locked database (another process holds the file's
 * write lock past the busy timeout). Not a fault of the request, so not a
 * 500; retrying is the answer, so a 503 with a retry hint, like a lost
 * connection.
 */
const CONTENTION_CODES = /^(40001|40P01|SQLITE_BUSY.*|SQLITE_LOCKED.*)$/;

function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Why a database error is worth retrying, if it is. */
function retryableReason(error: Error): string | undefined {
  const code = codeOf(error);
  if (
    (code && (LOST_CONNECTION_CODES.test(code) || NETWORK_CODES.has(code))) ||
    error.name === 'KnexTimeoutError' ||
    LOST_CONNECTION_MESSAGES.test(error.message)
  ) {
    return 'its database connection was lost or could not be opened';
  }
  if (code && CONTENTION_CODES.test(code)) {
    return 'a concurrent write to its database got in the way';
  }
  return undefined;
}

/**
 * Whether an insert or update broke a unique key (PostgreSQL's 23505,
 * SQLite's UNIQUE constraint): the row exists already, perhaps written by
 * a concurrent request or a retry.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!isError(error)) return false;
  const code = codeOf(error);
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    (code === 'SQLITE_CONSTRAINT' && /UNIQUE/.test(error.message))
  );
}

/** Whether an error says the database is (for now) out of reach. */
export function isDatabaseUnavailableError(error: unknown): boolean {
  return isError(error) && retryableReason(error) !== undefined;
}

/**
 * A database error as it may be logged: knex prefixes the driver's message
 * with the whole statement, bound values inlined (34 KB for a batch
 * insert), and PostgreSQL's `detail` and `where` repeat the values of the
 * row at fault. Only the driver's own message is kept, at most
 * {@link MAX_DATABASE_MESSAGE_LENGTH} characters.
 */
function boundDatabaseError(error: Error): Error {
  // knex: `${statement} - ${driver message}`; driver messages hardly ever
  // contain " - ", statements with values often do, so the last one splits.
  const at = error.message.lastIndexOf(' - ');
  let message = at >= 0 ? error.message.slice(at + 3) : error.message;
  if (message.length > MAX_DATABASE_MESSAGE_LENGTH) {
    message = `${message.slice(0, MAX_DATABASE_MESSAGE_LENGTH)}…`;
  }
  const stackFrames = error.stack?.split('\n').filter(l => /^\s+at /.test(l));
  // Changed in place, so it keeps its class (Backstage's error handler
  // shows a pg DatabaseError to clients only as "an internal error") and
  // its code (callers may branch on it).
  const bounded = error as Error & Record<string, unknown>;
  bounded.message = message;
  bounded.stack = [`${error.name}: ${message}`, ...(stackFrames ?? [])].join(
    '\n',
  );
  for (const field of ['detail', 'where', 'internalQuery', 'hint', 'sql']) {
    delete bounded[field];
  }
  delete bounded.bindings;
  return bounded;
}

/** Whether an error came from the database driver or from knex. */
function isDatabaseError(error: Error): boolean {
  const code = codeOf(error);
  return (
    error.constructor.name === 'DatabaseError' ||
    error.name.startsWith('Knex') ||
    (code !== undefined && /^(SQLITE_|[0-9A-Z]{5}$)/.test(code)) ||
    retryableReason(error) !== undefined
  );
}

/**
 * The error a store passes on for one its database raised:
 * - the database out of reach (connection lost or refused, none free in
 *   the pool, the server restarting) or a write that lost to a concurrent
 *   one: a `ServiceUnavailableError` (503) whose message says so in plain
 *   words, without the statement or the driver's text, so the client
 *   retries;
 * - any other database error: the same error, its message cut to the
 *   driver's own words and bounded, the row's values dropped;
 * - anything else (the store's own `InputError`, `ConflictError`, ...)
 *   unchanged.
 */
export function toStoreError(error: unknown): unknown {
  if (!isError(error)) return error;
  const reason = retryableReason(error);
  if (reason) {
    // No `cause`: Backstage would serialise it into the response body.
    return new ServiceUnavailableError(
      `The service is unavailable because ${reason}; retry in ${RETRY_AFTER_SECONDS} seconds`,
    );
  }
  return isDatabaseError(error) ? boundDatabaseError(error) : error;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * The store with every method's database errors passed through
 * {@link toStoreError}: the one boundary where a lost connection becomes a
 * 503 and a failed statement a bounded error, for every method, present
 * and future, without a try/catch in each.
 */
export function withDatabaseErrors<T extends object>(store: T): T {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          // The store itself as `this`: its #private fields are on it, not
          // on the proxy.
          result = value.apply(target, args);
        } catch (error) {
          throw toStoreError(error);
        }
        return isPromiseLike(result)
          ? Promise.resolve(result).catch(error => {
              throw toStoreError(error);
            })
          : result;
      };
    },
  });
}

/**
 * Adds `Retry-After` to a 503 on its way to Backstage's error handler,
 * which sets the status and body from the error but no headers. Mount it
 * after a router's routes; it answers nothing itself.
 */
export function retryAfterOnUnavailable(): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (
      isError(error) &&
      error.name === ServiceUnavailableError.name &&
      !res.headersSent
    ) {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    }
    next(error);
  };
}
