import { InputError } from '@backstage/errors';

/** Milliseconds in a UTC calendar day (UTC has no daylight saving). */
export const DAY_MS = 86_400_000;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Start of a UTC day, in epoch milliseconds; rejects "2026-02-30" and the like. */
export function parseDay(day: string, what = 'day'): number {
  const ms = DAY_PATTERN.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms) || formatDay(ms) !== day) {
    throw new InputError(`Invalid ${what} '${day}', expected YYYY-MM-DD`);
  }
  return ms;
}

export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return formatDay(parseDay(day) + days * DAY_MS);
}

/** Number of days in the month of a YYYY-MM-DD day. */
export function daysInMonthOf(day: string): number {
  const date = new Date(parseDay(day));
  return new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0),
  ).getUTCDate();
}

/** Sums entries of the same day (a series may list a day more than once). */
export function totalsByDay(
  series: ReadonlyArray<{ day: string; total: number }>,
): Map<string, number> {
  const totals = new Map<string, number>();
  for (const { day, total } of series) {
    totals.set(day, (totals.get(day) ?? 0) + total);
  }
  return totals;
}
