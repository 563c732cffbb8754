import type { DoraMetrics } from '@paved/plugin-dora-common';
import type {
  DoraBand,
  Measure,
  Outcomes,
  Verdict,
} from '@paved/plugin-outcomes-common';
import type { DeliveryFacts, SignalThresholds, WindowFacts } from './facts';
import { relativeChange } from './signals';

/** Which way is good, and how a change is judged steady. */
export type Direction = {
  better: 'lower' | 'higher';
  /** Rates are judged by points (0..1), everything else relatively. */
  rate?: boolean;
};

export function verdictOf(
  value: number | null,
  previous: number | null,
  direction: Direction,
  t: SignalThresholds,
): Verdict | null {
  if (value === null || previous === null) return null;
  let delta: number;
  if (direction.rate) {
    delta = value - previous;
    if (Math.abs(delta) <= t.rateSteadyWithin) return 'steady';
  } else {
    if (previous === 0) return value === 0 ? 'steady' : null;
    delta = (value - previous) / previous;
    if (Math.abs(delta) <= t.steadyWithin) return 'steady';
  }
  const up = delta > 0;
  return up === (direction.better === 'higher') ? 'better' : 'worse';
}

export function measureOf(
  options: {
    value: number | null;
    previous: number | null;
    n: number;
    band?: DoraBand | null;
  },
  direction: Direction,
  t: SignalThresholds,
): Measure {
  return {
    value: options.value,
    previous: options.previous,
    change: relativeChange(options.value, options.previous),
    verdict: verdictOf(options.value, options.previous, direction, t),
    ...(options.band !== undefined ? { band: options.band } : {}),
    n: options.n,
  };
}

/** A number that cannot be shown: its stream is unavailable. */
export const unavailableMeasure: Measure = {
  value: null,
  previous: null,
  change: null,
  verdict: null,
  n: 0,
};

/** A ratio, or null when the divisor is zero or unknown. */
export function ratio(
  amount: number | null | undefined,
  count: number | null | undefined,
): number | null {
  if (amount === null || amount === undefined) return null;
  if (!count) return null;
  return amount / count;
}

/**
 * The six numbers and the unit economics of a window against the one
 * before, from what the DORA and cost APIs answered (`null` streams give
 * unavailable numbers).
 */
export function measuresOf(options: {
  now: WindowFacts;
  before: WindowFacts;
  /** The DORA answer of the window, for the bands. */
  current: DoraMetrics | null;
  /** Days of the window with cost, what the total rests on. */
  costDays: number;
  thresholds: SignalThresholds;
}): Pick<Outcomes, 'speed' | 'stability' | 'cost'> {
  const { now, before, current, costDays, thresholds: t } = options;
  const delivery = (
    pick: (d: DeliveryFacts) => number | null,
    n: (d: DeliveryFacts) => number,
    band: DoraBand | null | undefined,
    better: 'lower' | 'higher',
    rate = false,
  ): Measure =>
    now.delivery
      ? measureOf(
          {
            value: pick(now.delivery),
            previous: before.delivery ? pick(before.delivery) : null,
            n: n(now.delivery),
            band: band ?? null,
          },
          { better, rate },
          t,
        )
      : unavailableMeasure;
  // Numbers built from both streams need both.
  const perUnit = (count: (d: DeliveryFacts) => number): Measure =>
    now.cost && now.delivery
      ? measureOf(
          {
            value: ratio(now.cost.total, count(now.delivery)),
            previous:
              before.cost && before.delivery
                ? ratio(before.cost.total, count(before.delivery))
                : null,
            n: count(now.delivery),
          },
          { better: 'lower' },
          t,
        )
      : unavailableMeasure;
  return {
    speed: {
      changeLeadTime: delivery(
        d => d.leadTime,
        d => d.changes,
        current?.changeLeadTime.benchmark.band,
        'lower',
      ),
      deploymentFrequency: delivery(
        d => d.perDay,
        d => d.deployments,
        current?.deploymentFrequency.benchmark.band,
        'higher',
      ),
      failedDeploymentRecoveryTime: delivery(
        d => d.recoveryTime,
        d => d.recoveries,
        current?.failedDeploymentRecoveryTime.benchmark.band,
        'lower',
      ),
    },
    stability: {
      changeFailRate: delivery(
        d => d.changeFailRate,
        d => d.deployments,
        current?.changeFailRate.benchmark.band,
        'lower',
        true,
      ),
      deploymentReworkRate: delivery(
        d => d.deploymentReworkRate,
        d => d.deployments,
        current?.deploymentReworkRate.benchmark.band,
        'lower',
        true,
      ),
    },
    cost: {
      total: now.cost
        ? measureOf(
            {
              value: now.cost.total,
              previous: before.cost?.total ?? null,
              n: costDays,
            },
            { better: 'lower' },
            t,
          )
        : unavailableMeasure,
      perDeployment: perUnit(d => d.deployments),
      perChange: perUnit(d => d.changes),
      perRequest: now.cost
        ? measureOf(
            {
              value: now.cost.perRequest,
              previous: before.cost?.perRequest ?? null,
              n: Math.round(now.cost.requests ?? 0),
            },
            { better: 'lower' },
            t,
          )
        : unavailableMeasure,
    },
  };
}
