/** Numbers as signals put them in words. */

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${round1(seconds / 3600)} h`;
  return `${round1(seconds / 86400)} days`;
}

export function formatRate(rate: number): string {
  return `${round1(rate * 100)} %`;
}

export function formatChange(change: number): string {
  const percent = Math.round(Math.abs(change) * 100);
  return `${change >= 0 ? '+' : '−'}${percent} %`;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * Money as the portal's tiles write it ("€1,500.00", "$0.75"), so a
 * signal's words and the number beside it read the same.
 */
export function formatMoney(amount: number, currency: string | null): string {
  if (!currency) return amount.toFixed(2);
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    moneyFormats.set(currency, format);
  }
  return format.format(amount);
}

export function formatPerDay(perDay: number): string {
  if (perDay >= 1) return `${round1(perDay)} a day`;
  return `${round1(perDay * 7)} a week`;
}

function round1(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}
