import type { DeploymentSummary } from './computeMetrics';
import { addBuckets, bucketOf, distributionOfBuckets } from './durationBuckets';
import type { DeploymentVerdict } from './facts';

const DAY = 86_400_000;

/**
 * What the metrics need of an environment's day of analysed deployments:
 * counts, and lead-time and recovery durations in buckets. Totals add up
 * (and take away), so a change to a day is a total of its own.
 */
export type DayTotal = {
  environment: string;
  /** The UTC day's start, epoch milliseconds. */
  day: number;
  deployments: number;
  nonRollback: number;
  failedNonRollback: number;
  rework: number;
  leadTimes: Map<number, number>;
  recovery: Map<number, number>;
};

/** Day totals keyed by environment and day, added up as they come. */
export class DayTotals {
  readonly #days = new Map<string, DayTotal>();

  #total(environment: string, time: number): DayTotal {
    const day = Math.floor(time / DAY) * DAY;
    const key = `${environment}|${day}`;
    let total = this.#days.get(key);
    if (!total) {
      total = {
        environment,
        day,
        deployments: 0,
        nonRollback: 0,
        failedNonRollback: 0,
        rework: 0,
        leadTimes: new Map(),
        recovery: new Map(),
      };
      this.#days.set(key, total);
    }
    return total;
  }

  /** Adds one deployment's verdict to its day (`sign` -1 takes it away). */
  addVerdict(
    environment: string,
    verdict: DeploymentVerdict,
    sign: 1 | -1 = 1,
  ): void {
    const total = this.#total(environment, verdict.finishedAt);
    total.deployments += sign;
    if (!verdict.rollback) total.nonRollback += sign;
    if (verdict.failed && !verdict.rollback) total.failedNonRollback += sign;
    if (verdict.rework) total.rework += sign;
    const leadTimes = new Map<number, number>();
    for (const seconds of verdict.leadTimes) {
      const bucket = bucketOf(seconds);
      leadTimes.set(bucket, (leadTimes.get(bucket) ?? 0) + 1);
    }
    addBuckets(total.leadTimes, leadTimes, sign);
    if (verdict.failed && verdict.recoverySeconds !== null) {
      addBuckets(
        total.recovery,
        new Map([[bucketOf(verdict.recoverySeconds), 1]]),
        sign,
      );
    }
  }

  /** Adds another total (`sign` -1 takes it away). */
  addTotal(other: DayTotal, sign: 1 | -1 = 1): void {
    const total = this.#total(other.environment, other.day);
    total.deployments += sign * other.deployments;
    total.nonRollback += sign * other.nonRollback;
    total.failedNonRollback += sign * other.failedNonRollback;
    total.rework += sign * other.rework;
    addBuckets(total.leadTimes, other.leadTimes, sign);
    addBuckets(total.recovery, other.recovery, sign);
  }

  /** The days whose totals are not all zero. */
  days(): DayTotal[] {
    return [...this.#days.values()].filter(
      t =>
        t.deployments !== 0 ||
        t.nonRollback !== 0 ||
        t.failedNonRollback !== 0 ||
        t.rework !== 0 ||
        t.leadTimes.size > 0 ||
        t.recovery.size > 0,
    );
  }

  /**
   * The metrics' summary of the days in `[from, to)` (whole UTC days):
   * counts exact, percentiles from the buckets (within 1 %).
   */
  summary(from: Date, to: Date): DeploymentSummary {
    const summary: DeploymentSummary = {
      deployments: 0,
      nonRollback: 0,
      failedNonRollback: 0,
      rework: 0,
      perDay: new Map(),
      leadTime: distributionOfBuckets(new Map()),
      recovery: distributionOfBuckets(new Map()),
    };
    const leadTimes = new Map<number, number>();
    const recovery = new Map<number, number>();
    for (const total of this.days()) {
      if (total.day < from.getTime() || total.day >= to.getTime()) continue;
      summary.deployments += total.deployments;
      summary.nonRollback += total.nonRollback;
      summary.failedNonRollback += total.failedNonRollback;
      summary.rework += total.rework;
      if (total.deployments !== 0) {
        const index = Math.floor((total.day - from.getTime()) / DAY);
        summary.perDay.set(
          index,
          (summary.perDay.get(index) ?? 0) + total.deployments,
        );
      }
      addBuckets(leadTimes, total.leadTimes);
      addBuckets(recovery, total.recovery);
    }
    summary.leadTime = distributionOfBuckets(leadTimes);
    summary.recovery = distributionOfBuckets(recovery);
    return summary;
  }
}
