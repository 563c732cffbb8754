import type {
  DeploymentFrequencyBucket,
  DoraBand,
  DoraBenchmark,
} from './schema/openapi/generated';

/**
 * DORA's published benchmarks, kept in one table so a new report is one
 * edit. Two references are given for each metric:
 *
 * - the performance cluster of the 2024 Accelerate State of DevOps Report
 *   (elite, high, medium, low), and
 * - the answer bucket of DORA's survey scale, as the 2025 State of
 *   AI-assisted Software Development report reports each metric's
 *   distribution.
 *
 * The 2024 report gives deployment frequency, lead time and recovery time
 * as ranges per cluster, and change fail rate as one typical value per
 * cluster (elite 5 %, high 20 %, medium 10 %, low 40 %: not monotonic); a
 * rate is labelled with the cluster whose value is nearest. The clusters
 * were built from four metrics, so deployment rework rate has no cluster.
 */

// A band (a DORA 2024 software delivery performance cluster) and the
// benchmark a value falls in are part of the API's responses: their types
// are the models generated from the OpenAPI document.
export type { DoraBand, DoraBenchmark } from './schema/openapi/generated';

export const DORA_2024_SOURCE =
  'DORA Accelerate State of DevOps Report 2024, software delivery performance clusters';
export const DORA_2025_SOURCE =
  'DORA State of AI-assisted Software Development 2025, survey answer buckets';

const HOUR = 3600;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;
const SIX_MONTHS = 182 * DAY;

/** Upper bounds (exclusive) of each duration bucket of the survey, shortest first. */
const durationBuckets: Array<[number, string]> = [
  [HOUR, 'less than one hour'],
  [DAY, 'between one hour and one day'],
  [WEEK, 'between one day and one week'],
  [MONTH, 'between one week and one month'],
  [SIX_MONTHS, 'between one month and six months'],
  [Infinity, 'more than six months'],
];

/** Lower bounds (inclusive) in deployments per day, most frequent first. */
const frequencyBuckets: Array<[number, string]> = [
  [1 + 1e-9, 'on demand (multiple deploys per day)'],
  [1, 'between once per hour and once per day'],
  [1 / 7, 'between once per day and once per week'],
  [1 / 30, 'between once per week and once per month'],
  [1 / 182, 'between once per month and once every six months'],
  [0, 'fewer than once every six months'],
];

/** Upper bounds (inclusive) of the survey's failure-rate buckets. */
const rateBuckets: Array<[number, string]> = [
  [0.15, '0–15%'],
  [0.3, '16–30%'],
  [0.45, '31–45%'],
  [0.6, '46–60%'],
  [0.75, '61–75%'],
  [1, '76–100%'],
];

function durationBucket(seconds: number) {
  return durationBuckets.find(([bound]) => seconds < bound)![1];
}

function rateBucket(rate: number) {
  return rateBuckets.find(([bound]) => rate <= bound + 1e-9)![1];
}

function benchmark(
  band: DoraBand | null,
  surveyBucket: string | null,
): DoraBenchmark {
  return {
    band,
    bandSource: DORA_2024_SOURCE,
    surveyBucket,
    surveySource: DORA_2025_SOURCE,
  };
}

/**
 * Deployment frequency: the band from the survey bucket of the median
 * deployments per day, week and month (elite on demand, high daily or
 * weekly, medium monthly, low less often); the 2025 bucket from the
 * average deployments per day. No band without deployments.
 */
export function deploymentFrequencyBenchmark(
  bucket: DeploymentFrequencyBucket | null,
  perDay: number,
): DoraBenchmark {
  if (bucket === null || perDay <= 0) return benchmark(null, null);
  const bands: Record<DeploymentFrequencyBucket, DoraBand> = {
    'on-demand': 'elite',
    daily: 'high',
    weekly: 'high',
    monthly: 'medium',
    'less-than-monthly': 'low',
  };
  return benchmark(
    bands[bucket],
    frequencyBuckets.find(([bound]) => perDay >= bound)![1],
  );
}

/**
 * Change lead time (median, seconds): elite under one day, high up to one
 * week, medium up to one month, low longer.
 */
export function changeLeadTimeBenchmark(seconds: number | null): DoraBenchmark {
  if (seconds === null) return benchmark(null, null);
  let band: DoraBand = 'low';
  if (seconds < DAY) band = 'elite';
  else if (seconds < WEEK) band = 'high';
  else if (seconds < MONTH) band = 'medium';
  return benchmark(band, durationBucket(seconds));
}

/** Change fail rate: the cluster whose typical rate is nearest. */
export function changeFailRateBenchmark(rate: number | null): DoraBenchmark {
  if (rate === null) return benchmark(null, null);
  const typical: Array<[DoraBand, number]> = [
    ['elite', 0.05],
    ['medium', 0.1],
    ['high', 0.2],
    ['low', 0.4],
  ];
  const [band] = typical.reduce((best, candidate) =>
    Math.abs(candidate[1] - rate) < Math.abs(best[1] - rate) ? candidate : best,
  );
  return benchmark(band, rateBucket(rate));
}

/**
 * Failed deployment recovery time (median, seconds): elite under one hour,
 * high and medium under one day (the 2024 report gives both the same
 * range; Paved labels it high), low longer.
 */
export function recoveryTimeBenchmark(seconds: number | null): DoraBenchmark {
  if (seconds === null) return benchmark(null, null);
  let band: DoraBand = 'low';
  if (seconds < HOUR) band = 'elite';
  else if (seconds < DAY) band = 'high';
  return benchmark(band, durationBucket(seconds));
}

/** Deployment rework rate: no 2024 cluster; the survey bucket only. */
export function reworkRateBenchmark(rate: number | null): DoraBenchmark {
  return benchmark(null, rate === null ? null : rateBucket(rate));
}
