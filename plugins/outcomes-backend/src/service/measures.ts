import type { DoraBand, Measure, Verdict } from '@paved/plugin-outcomes-common';
import type { SignalThresholds } from './facts';
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
