import { InputError } from '@backstage/errors';
import { dayStart } from '@paved/plugin-cost-common';

/**
 * Start of a `YYYY-MM-DD` UTC day in epoch milliseconds (the arithmetic is
 * cost-common's), for input a caller sent: anything else, including days
 * that do not exist (`2026-02-30`), is a 400 naming `what`.
 */
export function parseDay(day: string, what = 'day'): number {
  const ms = dayStart(day);
  if (ms === undefined) {
    throw new InputError(`Invalid ${what} '${day}', expected YYYY-MM-DD`);
  }
  return ms;
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
