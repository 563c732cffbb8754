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

export function formatMoney(amount: number, currency: string | null): string {
  const value = Math.abs(amount) >= 100 ? amount.toFixed(0) : amount.toFixed(2);
  return currency ? `${value} ${currency}` : value;
}

export function formatPerDay(perDay: number): string {
  if (perDay >= 1) return `${round1(perDay)} a day`;
  return `${round1(perDay * 7)} a week`;
}

function round1(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}
