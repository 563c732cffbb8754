import type { DurationDistribution } from '@paved/plugin-dora-common';

/**
 * Durations counted in logarithmic buckets, for the per-day totals that
 * large scopes are summed from: every bucket's value is within 1 % of each
 * duration it counts (the bucketing of DDSketch), so a percentile read from
 * buckets is within 1 % of the exact one, however many days and entities
 * are added together. Durations under a second count as 0.
 */
export const BUCKET_ACCURACY = 0.01;
const GAMMA = (1 + BUCKET_ACCURACY) / (1 - BUCKET_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);

/** A duration's bucket (the day totals' migration computes it in SQL). */
export function bucketOf(seconds: number): number {
  return seconds < 1
    ? 0
    : Math.max(1, Math.ceil(Math.log(seconds) / LOG_GAMMA));
}

/** The duration a bucket stands for (its durations are within 1 % of it). */
export function bucketSeconds(bucket: number): number {
  return bucket <= 0 ? 0 : (2 * Math.exp(bucket * LOG_GAMMA)) / (GAMMA + 1);
}

/** Bucket counts, added together (or taken away with `sign` -1). */
export function addBuckets(
  into: Map<number, number>,
  buckets: Record<string, number> | Map<number, number>,
  sign: 1 | -1 = 1,
): void {
  const entries =
    buckets instanceof Map ? buckets.entries() : Object.entries(buckets);
  for (const [bucket, count] of entries) {
    const key = Number(bucket);
    const total = (into.get(key) ?? 0) + sign * Number(count);
    if (total === 0) into.delete(key);
    else into.set(key, total);
  }
}

/**
 * The 50th, 75th and 90th percentiles of bucketed durations, interpolated
 * between the closest ranks as `percentile_cont` is.
 */
export function distributionOfBuckets(
  buckets: Map<number, number>,
): DurationDistribution {
  const ordered = [...buckets.entries()]
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a - b);
  const n = ordered.reduce((sum, [, count]) => sum + count, 0);
  /** The duration at a rank (0-based) of the ordered durations. */
  const at = (rank: number) => {
    let seen = 0;
    for (const [bucket, count] of ordered) {
      seen += count;
      if (rank < seen) return bucketSeconds(bucket);
    }
    return bucketSeconds(ordered[ordered.length - 1][0]);
  };
  const percentile = (p: number) => {
    if (n === 0) return null;
    const position = p * (n - 1);
    const lower = at(Math.floor(position));
    const upper = at(Math.ceil(position));
    return lower + (upper - lower) * (position - Math.floor(position));
  };
  return {
    p50: percentile(0.5),
    p75: percentile(0.75),
    p90: percentile(0.9),
    n,
  };
}
