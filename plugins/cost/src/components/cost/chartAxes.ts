import { formatShortPeriod } from '../../lib/format';

/**
 * The axes every cost chart shares, as props for recharts' XAxis and YAxis
 * (recharts 2 only finds axes that are direct children of the chart, so
 * they cannot be wrapped in a component).
 */

/** Periods along the bottom, thinned out when they would overlap. */
export const periodAxis = {
  dataKey: 'period',
  tickFormatter: formatShortPeriod,
  minTickGap: 16,
  tickLine: false,
  fontSize: 11,
} as const;

/** Amounts up the side, written by `format`. */
export function moneyAxis(format: (value: number) => string) {
  return {
    width: 80,
    tickFormatter: format,
    tickLine: false,
    axisLine: false,
    fontSize: 11,
  } as const;
}
