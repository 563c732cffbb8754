import { InputError } from '@backstage/errors';
import {
  dayStart,
  type CostByCategory,
  type CostCategory,
} from '@paved/plugin-cost-common';

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

/** A day's cost, and (where known) its split by category. */
export type DayTotal = {
  day: string;
  total: number;
  byCategory?: CostByCategory;
};

/**
 * Sums entries of the same day (a series may list a day more than once),
 * categories included.
 */
export function sumByDay(
  series: ReadonlyArray<DayTotal>,
): Map<string, { total: number; byCategory: CostByCategory }> {
  const days = new Map<string, { total: number; byCategory: CostByCategory }>();
  for (const { day, total, byCategory } of series) {
    const sum = days.get(day) ?? { total: 0, byCategory: {} };
    sum.total += total;
    for (const [category, cost] of Object.entries(byCategory ?? {})) {
      const c = category as CostCategory;
      sum.byCategory[c] = (sum.byCategory[c] ?? 0) + (cost ?? 0);
    }
    days.set(day, sum);
  }
  return days;
}
