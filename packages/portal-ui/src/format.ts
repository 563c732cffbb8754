import type { ResponseError } from '@backstage/errors';

/** "1 service", "3 services": a count with its noun. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * The message to show for a failed read: the backend's own words with the
 * HTTP status, else the error's message. Backstage's error bodies are
 * `{ error, response }`; a bare `{ error }` body reaches us inside the
 * generic "Request failed with status ..., <body>" message, so that is
 * unpacked too.
 */
export function errorMessage(error: Error): string {
  const { body, statusCode } = error as Partial<ResponseError>;
  let message = body?.error?.message;
  const raw =
    message && /^Request failed with status [^,]*, (\{.*\})$/s.exec(message);
  if (raw) {
    try {
      message = JSON.parse(raw[1])?.error?.message ?? message;
    } catch {
      // Not JSON after all: keep the whole text.
    }
  }
  return message && statusCode
    ? `${message} (HTTP ${statusCode})`
    : error.message;
}

/** Whether a read failed because the user may not see it (HTTP 403). */
export function isForbidden(error: Error | undefined): boolean {
  return (error as Partial<ResponseError> | undefined)?.statusCode === 403;
}

/** One decimal below 10, whole numbers above; never a trailing ".0". */
export function formatNumber(value: number): string {
  if (Math.abs(value) >= 9.95) return String(Math.round(value));
  return String(Math.round(value * 10) / 10);
}

const dayFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const shortDayFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  timeZone: 'UTC',
});

/** "3 Mar 2026" (UTC, as windows and series are cut in UTC days). */
export function formatDay(day: string | Date): string {
  return dayFormat.format(new Date(day));
}

/** "3 Mar" (UTC), for chart axes. */
export function formatShortDay(day: string | Date): string {
  return shortDayFormat.format(new Date(day));
}

const dateTimeParts: Intl.DateTimeFormatOptions = {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
};
const localDateTimeFormat = new Intl.DateTimeFormat('en-GB', dateTimeParts);
const utcDateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  ...dateTimeParts,
  timeZone: 'UTC',
});

/** "3 Mar 2026, 14:05" in the reader's time zone. */
export function formatDateTime(iso: string): string {
  return localDateTimeFormat.format(new Date(iso));
}

/**
 * "26 Nov 2026, 14:05 UTC": in UTC, where times are compared with what
 * kubectl and the clusters' own logs write.
 */
export function formatUtcDateTime(iso: string): string {
  return `${utcDateTimeFormat.format(new Date(iso))} UTC`;
}
