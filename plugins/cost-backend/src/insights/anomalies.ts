import {
  addDays,
  type CostAnomaly,
  type CostByCategory,
  type CostCategory,
} from '@paved/plugin-cost-common';
import { parseDay, sumByDay, type DayTotal } from './days';

export interface AnomalyOptions {
  /** How many calendar days before a day form its baseline (default 14). */
  baselineDays?: number;
  /** How many standard deviations away a day must be (default 3). */
  threshold?: number;
  /**
   * The least absolute difference from the baseline mean that can be an
   * anomaly, in the billing currency (default 1), so that a service costing
   * cents does not flag on a few more cents.
   */
  minDifference?: number;
  /**
   * The first day that is not over yet (today, YYYY-MM-DD): it and later
   * days are left out, so the running day's partial cost is never a drop.
   */
  notOverFrom?: string;
}

/** Fewer baseline days than this and a mean/std-dev says too little. */
export const MIN_BASELINE_DAYS = 7;

/**
 * The standard deviation is never taken below this share of the baseline
 * mean (nor below `minDifference`): a perfectly flat baseline would otherwise
 * make any change infinitely many σ away. With the defaults a flat baseline
 * flags a day that moves by 15 % (3 × 5 %) or more.
 */
export const STD_DEV_FLOOR_SHARE = 0.05;

/**
 * The category that moved furthest in the day's direction, against its
 * own mean over the same baseline days: what a person looks at first.
 */
function changeOf(
  day: CostByCategory,
  baseline: ReadonlyArray<CostByCategory>,
  direction: 'spike' | 'drop',
): CostAnomaly['change'] {
  let best: CostAnomaly['change'];
  let bestMove = 0;
  const categories = new Set([
    ...Object.keys(day),
    ...baseline.flatMap(b => Object.keys(b)),
  ]) as Set<CostCategory>;
  for (const category of categories) {
    const mean =
      baseline.reduce((sum, b) => sum + (b[category] ?? 0), 0) /
      baseline.length;
    const cost = day[category] ?? 0;
    const move = direction === 'spike' ? cost - mean : mean - cost;
    if (move > bestMove) {
      bestMove = move;
      best = { category, cost, baselineMean: mean };
    }
  }
  return best;
}

/**
 * Days whose cost is far outside the entity's recent baseline: the mean and
 * sample standard deviation of the days with data in the `baselineDays`
 * calendar days before it (at least {@link MIN_BASELINE_DAYS} of them).
 * A day is an anomaly when |cost − mean| ≥ `minDifference` and
 * |cost − mean| / σ ≥ `threshold`, σ being floored as described at
 * {@link STD_DEV_FLOOR_SHARE}. `baselineStdDev` reports the σ used, so
 * score = |cost − baselineMean| / baselineStdDev holds for every anomaly.
 * Anomalous days stay in later days' baselines: a lasting level change
 * flags for a few days, then becomes the new normal. When the series has
 * categories, each anomaly says what changed (`change`).
 */
export function findAnomalies(
  series: ReadonlyArray<DayTotal>,
  options: AnomalyOptions = {},
): CostAnomaly[] {
  const baselineDays = options.baselineDays ?? 14;
  const threshold = options.threshold ?? 3;
  const minDifference = options.minDifference ?? 1;

  const { notOverFrom } = options;
  const days = [
    ...sumByDay(notOverFrom ? series.filter(s => s.day < notOverFrom) : series),
  ].sort(([a], [b]) => a.localeCompare(b));
  for (const [day] of days) {
    parseDay(day);
  }

  const anomalies: CostAnomaly[] = [];
  let windowStart = 0;
  for (let i = 0; i < days.length; i++) {
    const [day, { total: cost, byCategory }] = days[i];
    const baselineStart = addDays(day, -baselineDays);
    while (days[windowStart][0] < baselineStart) {
      windowStart += 1;
    }
    const baselineCosts = days.slice(windowStart, i).map(([, d]) => d);
    const baseline = baselineCosts.map(d => d.total);
    if (baseline.length < MIN_BASELINE_DAYS) {
      continue;
    }
    const mean = baseline.reduce((sum, x) => sum + x, 0) / baseline.length;
    const variance =
      baseline.reduce((sum, x) => sum + (x - mean) ** 2, 0) /
      (baseline.length - 1);
    const stdDev = Math.max(
      Math.sqrt(variance),
      STD_DEV_FLOOR_SHARE * Math.abs(mean),
      minDifference,
    );
    const difference = cost - mean;
    const score = Math.abs(difference) / stdDev;
    if (Math.abs(difference) >= minDifference && score >= threshold) {
      const direction = difference > 0 ? 'spike' : 'drop';
      const change = changeOf(
        byCategory,
        baselineCosts.map(d => d.byCategory),
        direction,
      );
      anomalies.push({
        day,
        cost,
        baselineMean: mean,
        baselineStdDev: stdDev,
        score,
        direction,
        ...(change ? { change } : {}),
      });
    }
  }
  return anomalies;
}
