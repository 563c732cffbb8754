import {
  addDays,
  type CostForecast,
  daysInMonthOf,
} from '@paved/plugin-cost-common';
import { parseDay, sumByDay } from './days';

/** How many complete days before `today` the daily run rate is taken from. */
export const FORECAST_RATE_DAYS = 7;

/**
 * Month-end projection for the month of `today` (YYYY-MM-DD, UTC).
 *
 * Rule: projected = spent + rate × remaining, where
 * - spent is the cost of the month's complete days, i.e. the days before
 *   `today` (today is still being recorded, so its partial cost is left out
 *   rather than mistaken for a cheap day);
 * - rate is the mean daily cost of the days with data among the last
 *   {@link FORECAST_RATE_DAYS} complete days (these may reach into the
 *   previous month, so the 1st of a month still has a rate). Days without
 *   data are treated as not reported, not as free; with none, the rate is 0;
 * - remaining is the days from `today` to the end of the month, today
 *   included.
 *
 * Returns undefined when there is no data at all in the month so far nor in
 * the rate window: nothing to project from.
 */
export function forecastMonthEnd(
  series: ReadonlyArray<{ day: string; total: number }>,
  today: string,
  budget?: number,
): CostForecast | undefined {
  parseDay(today, 'forecast day');
  const month = today.slice(0, 7);
  const monthStart = `${month}-01`;
  const rateStart = addDays(today, -FORECAST_RATE_DAYS);

  let spent = 0;
  let monthDaysWithData = 0;
  const rateDays: number[] = [];
  for (const [day, { total }] of sumByDay(series)) {
    if (day >= today) {
      continue;
    }
    if (day >= monthStart) {
      spent += total;
      monthDaysWithData += 1;
    }
    if (day >= rateStart) {
      rateDays.push(total);
    }
  }
  if (monthDaysWithData === 0 && rateDays.length === 0) {
    return undefined;
  }

  const completeDays = Number(today.slice(8, 10)) - 1;
  const remainingDays = daysInMonthOf(today) - completeDays;
  const rate =
    rateDays.length === 0
      ? 0
      : rateDays.reduce((sum, total) => sum + total, 0) / rateDays.length;
  const projected = spent + rate * remainingDays;

  const rateText =
    rateDays.length === 0
      ? `no cost recorded in the last ${FORECAST_RATE_DAYS} complete days (0.00/day)`
      : `mean of ${
          rateDays.length === FORECAST_RATE_DAYS
            ? `the last ${FORECAST_RATE_DAYS} complete days`
            : `the ${rateDays.length} days with data in the last ${FORECAST_RATE_DAYS} complete days`
        } (${money(rate)}/day)`;
  const method =
    `${money(spent)} spent in ${completeDays} complete ${plural(
      completeDays,
      'day',
    )} + ` +
    `${rateText} × ${remainingDays} remaining ${plural(
      remainingDays,
      'day',
    )} (today included)`;

  return {
    month,
    spent,
    projected,
    method,
    ...(budget !== undefined && budget > 0
      ? { budgetUsed: projected / budget }
      : {}),
  };
}

function money(amount: number): string {
  return amount.toFixed(2);
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
