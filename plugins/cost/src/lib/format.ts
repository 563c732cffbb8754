import type { CostCategory } from '@paved/plugin-cost-common';
import {
  formatDay,
  formatMoney,
  formatNumber,
  formatShortDay,
  moneyFormat,
} from '@paved/portal-ui';

/**
 * How the cost views write money, shares and periods, in one place so the
 * tab, the card and the charts agree.
 */

// Money is written as every Paved view writes it.
export { formatMoney } from '@paved/portal-ui';

/** Whole currency units, for chart axes: "$1,200". */
export function formatMoneyShort(amount: number, currency: string): string {
  return moneyFormat(currency, { maximumFractionDigits: 0 }).format(amount);
}

/**
 * Tick labels of a chart of small amounts: two significant digits under a
 * cent ("$0.000014"), so the label fits beside the chart.
 */
export function formatMoneyAxis(amount: number, currency: string): string {
  if (amount !== 0 && Math.abs(amount) < 0.01) {
    return moneyFormat(currency, { maximumSignificantDigits: 2 }).format(
      amount,
    );
  }
  return formatMoney(amount, currency);
}

/** A signed amount: "+$12.00", "−$3.50". */
export function formatMoneyChange(amount: number, currency: string): string {
  const text = formatMoney(Math.abs(amount), currency);
  if (amount > 0) return `+${text}`;
  if (amount < 0) return `−${text}`;
  return text;
}

/** A share 0..1 as a percentage: "42%", "4.5%". */
export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined) return '—';
  return `${formatNumber(share * 100)}%`;
}

/** A percentage that already is one (the API's `differencePercent`), signed. */
export function formatSignedPercent(percent: number | null): string {
  if (percent === null) return '—';
  const text = `${formatNumber(Math.abs(percent))}%`;
  if (percent > 0) return `+${text}`;
  if (percent < 0) return `−${text}`;
  return text;
}

export function formatCount(value: number): string {
  return new Intl.NumberFormat('en-US').format(Math.round(value));
}

const monthFormat = new Intl.DateTimeFormat('en-GB', {
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A period as the API names it: "3 Mar 2026" (YYYY-MM-DD) or "Mar 2026" (YYYY-MM). */
export function formatPeriod(period: string): string {
  if (/^\d{4}-\d{2}$/.test(period)) {
    return monthFormat.format(new Date(`${period}-01T00:00:00Z`));
  }
  return formatDay(period);
}

/** For chart axes: "3 Mar" or "Mar 2026". */
export function formatShortPeriod(period: string): string {
  if (/^\d{4}-\d{2}$/.test(period)) return formatPeriod(period);
  return formatShortDay(period);
}

export const categoryLabels: Record<CostCategory, string> = {
  compute: 'Compute',
  memory: 'Memory',
  gpu: 'GPU',
  storage: 'Storage',
  network: 'Network',
  loadBalancer: 'Load balancer',
  cloudServices: 'Cloud services',
  shared: 'Shared',
  idle: 'Idle',
};
