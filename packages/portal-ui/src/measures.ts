import { formatNumber } from './format';

/**
 * How every Paved view writes durations, rates, deployment frequency and
 * money, so Delivery, Cost and Outcomes agree to the character.
 */

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/** Seconds in the largest unit that keeps them readable: "45 s", "12 min", "3.2 h", "2.1 d". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 59.5) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 59.5 * MINUTE) return `${Math.round(seconds / MINUTE)} min`;
  if (seconds < 23.95 * HOUR) return `${formatNumber(seconds / HOUR)} h`;
  return `${formatNumber(seconds / DAY)} d`;
}

/** A rate 0..1 as a percentage: "12%", "4.5%". */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  return `${formatNumber(rate * 100)}%`;
}

/**
 * Deployments per day, per week or per month, whichever reads as a number
 * of at least one: "1.4 / day", "2.3 / week", "0.9 / month".
 */
export function formatFrequency(perDay: number | null | undefined): string {
  if (perDay === null || perDay === undefined) return '—';
  if (perDay <= 0) return '0 / day';
  if (perDay >= 0.995) return `${formatNumber(perDay)} / day`;
  if (perDay * 7 >= 0.995) return `${formatNumber(perDay * 7)} / week`;
  return `${formatNumber(perDay * 30)} / month`;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** One cached Intl format per currency and options. */
export function moneyFormat(
  currency: string,
  options: Intl.NumberFormatOptions,
): Intl.NumberFormat {
  const key = `${currency}:${JSON.stringify(options)}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      ...options,
    });
    moneyFormats.set(key, format);
  }
  return format;
}

/** "$12,345.67"; amounts under a cent keep three significant digits ("$0.000412"). */
export function formatMoney(
  amount: number | null | undefined,
  currency: string,
): string {
  if (amount === null || amount === undefined) return '—';
  if (amount !== 0 && Math.abs(amount) < 0.01) {
    return moneyFormat(currency, { maximumSignificantDigits: 3 }).format(
      amount,
    );
  }
  return moneyFormat(currency, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(amount);
}
