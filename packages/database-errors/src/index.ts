/**
 * Database errors at a Paved store's boundary: a lost connection is a 503
 * with a retry hint, any other database error is bounded before it is
 * logged.
 *
 * @packageDocumentation
 */
export {
  isDatabaseUnavailableError,
  isUniqueViolation,
  MAX_DATABASE_MESSAGE_LENGTH,
  RETRY_AFTER_SECONDS,
  retryAfterOnUnavailable,
  toStoreError,
  withDatabaseErrors,
} from './databaseErrors';
