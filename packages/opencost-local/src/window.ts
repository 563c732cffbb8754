import { OpenCostHttpError } from './errors';
import { DAY_MS } from './model';

/** OpenCost's time windows and durations, in UTC. */

/** A time range in epoch ms: [start, end). */
export interface Window {
  start: number;
  end: number;
}

/** Go's default time format, as OpenCost's errors print times. */
export function goTime(ms: number) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/** RFC 3339 in UTC, whole seconds, as OpenCost's JSON writes times. */
export function rfc3339(ms: number) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const UNITS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: DAY_MS,
  w: 7 * DAY_MS,
};

/** OpenCost's `parseWindow`, in UTC. */
export function parseWindow(text: string, now: number): Window {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const weekday = new Date(today).getUTCDay();
  const monthStart = Date.UTC(
    new Date(now).getUTCFullYear(),
    new Date(now).getUTCMonth(),
    1,
  );
  switch (text) {
    case 'today':
      return { start: today, end: today + DAY_MS };
    case 'yesterday':
      return { start: today - DAY_MS, end: today };
    case 'week':
      return { start: today - weekday * DAY_MS, end: now };
    case 'lastweek': {
      const start = today - (weekday + 7) * DAY_MS;
      return { start, end: start + 7 * DAY_MS };
    }
    case 'month':
      return { start: monthStart, end: now };
    case 'lastmonth': {
      const d = new Date(monthStart - DAY_MS);
      return {
        start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
        end: monthStart,
      };
    }
    default:
  }
  const duration = /^(\d+)(m|h|d|w)$/.exec(text);
  if (duration) {
    const unit = UNITS[duration[2]];
    const n = Number(duration[1]);
    if (duration[2] === 'w') {
      const end = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
      return { start: end - n * unit, end };
    }
    // Rounded forward to the unit: `7d` ends at the end of today.
    const end = Math.floor(now / unit) * unit + unit;
    return { start: end - n * unit, end };
  }
  const unix = /^(\d+)[,|-](\d+)$/.exec(text);
  if (unix) {
    return { start: Number(unix[1]) * 1000, end: Number(unix[2]) * 1000 };
  }
  const rfc =
    /(\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ),(\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ)/.exec(
      text,
    );
  if (rfc) {
    const start = Date.parse(rfc[1]);
    const end = Date.parse(rfc[2]);
    if (!Number.isNaN(start) && !Number.isNaN(end)) return { start, end };
  }
  throw new OpenCostHttpError(
    400,
    `Invalid 'window' parameter: illegal window: ${text}\n`,
  );
}

/** OpenCost's `timeutil.ParseDuration`: `1d`, `24h`, `30m`, `1w`, `90s`. */
export function parseDuration(text: string | null): number | undefined {
  if (!text) return undefined;
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (m[2] === 's' ? 1000 : UNITS[m[2]]);
  return ms > 0 ? ms : undefined;
}
