import type { MetricKind } from './metrics';

/** A chart's value axis: evenly spaced ticks in one unit, starting at zero. */
export type ValueAxis = {
  ticks: number[];
  format: (value: number) => string;
};

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  if (residual <= 1) return magnitude;
  if (residual <= 2) return 2 * magnitude;
  if (residual <= 5) return 5 * magnitude;
  return 10 * magnitude;
}

/** Ticks from zero past `max` (in display units), about four intervals. */
function ticksUpTo(max: number): { ticks: number[]; decimals: number } {
  const step = niceStep(max / 4);
  const count = Math.max(1, Math.ceil(max / step - 1e-9));
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const ticks = Array.from({ length: count + 1 }, (_, i) =>
    Number((i * step).toFixed(decimals)),
  );
  return { ticks, decimals };
}

function number(value: number, decimals: number) {
  return String(Number(value.toFixed(decimals)));
}

function unitAxis(
  max: number,
  perUnit: number,
  label: (text: string) => string,
): ValueAxis {
  const { ticks, decimals } = ticksUpTo(max * perUnit);
  return {
    ticks: ticks.map(t => t / perUnit),
    format: value => label(number(value * perUnit, decimals)),
  };
}

/**
 * The value axis of a metric's chart. Unlike the tiles, every tick uses the
 * same unit (the one that suits the largest value), so "0 h, 2 h, 4 h"
 * rather than "0 s, 1.9 h, 3.9 h".
 */
export function valueAxis(
  kind: MetricKind,
  values: Array<number | null>,
): ValueAxis {
  const present = values.filter((v): v is number => v !== null && v > 0);
  const max = present.length > 0 ? Math.max(...present) : 0;
  if (kind === 'rate') {
    return unitAxis(Math.min(max || 0.1, 1), 100, text => `${text}%`);
  }
  if (kind === 'frequency') {
    const perDay = max || 1;
    if (perDay >= 1) return unitAxis(perDay, 1, text => `${text} / day`);
    if (perDay * 7 >= 1) return unitAxis(perDay, 7, text => `${text} / week`);
    return unitAxis(perDay, 30, text => `${text} / month`);
  }
  const seconds = max || HOUR;
  if (seconds >= 2 * DAY) return unitAxis(seconds, 1 / DAY, t => `${t} d`);
  if (seconds >= 2 * HOUR) return unitAxis(seconds, 1 / HOUR, t => `${t} h`);
  if (seconds >= 2 * MINUTE) {
    return unitAxis(seconds, 1 / MINUTE, t => `${t} min`);
  }
  return unitAxis(seconds, 1, t => `${t} s`);
}
