import {
  BUCKET_ACCURACY,
  addBuckets,
  bucketOf,
  bucketSeconds,
  distributionOfBuckets,
} from './durationBuckets';

describe('duration buckets', () => {
  it('stand for every duration they count within 1 %', () => {
    const gamma = (1 + BUCKET_ACCURACY) / (1 - BUCKET_ACCURACY);
    // From a second to beyond a year.
    for (let bucket = 1; bucket < 900; bucket++) {
      const value = bucketSeconds(bucket);
      for (const edge of [gamma ** (bucket - 1), gamma ** bucket]) {
        expect(Math.abs(value - edge) / edge).toBeLessThanOrEqual(
          BUCKET_ACCURACY + 1e-12,
        );
      }
    }
    expect(bucketSeconds(0)).toBe(0);
  });

  it('put a duration in the bucket that stands for it', () => {
    for (const seconds of [1, 1.5, 59, 60, 3_599, 86_400, 2_592_000, 31e6]) {
      const value = bucketSeconds(bucketOf(seconds));
      expect(Math.abs(value - seconds) / seconds).toBeLessThanOrEqual(
        BUCKET_ACCURACY + 1e-12,
      );
    }
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.4)).toBe(0);
  });

  it('reads percentiles between the closest ranks, as percentile_cont does', () => {
    // Two durations: the median lies halfway between them.
    const buckets = new Map([
      [100, 1],
      [200, 1],
    ]);
    const { p50, p90, n } = distributionOfBuckets(buckets);
    expect(n).toBe(2);
    expect(p50).toBeCloseTo((bucketSeconds(100) + bucketSeconds(200)) / 2);
    expect(p90).toBeCloseTo(
      bucketSeconds(100) + 0.9 * (bucketSeconds(200) - bucketSeconds(100)),
    );
    expect(distributionOfBuckets(new Map())).toEqual({
      p50: null,
      p75: null,
      p90: null,
      n: 0,
    });
  });

  it('adds and takes away counts, forgetting buckets that reach zero', () => {
    const total = new Map<number, number>();
    addBuckets(total, { '5': 3, '7': 1 });
    addBuckets(total, new Map([[5, 2]]), -1);
    addBuckets(total, { '7': 1 }, -1);
    expect([...total]).toEqual([[5, 1]]);
  });
});
