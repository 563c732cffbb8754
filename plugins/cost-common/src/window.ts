/**
 * The one definition of a cost window, shared by the backend's HTTP routes
 * and MCP actions (and usable by the frontend): whole UTC days, `from`
 * inclusive and `to` exclusive. The UTC-day arithmetic below is the one
 * every cost package uses for `YYYY-MM-DD` days.
 */
export type CostWindow = { from: string; to: string };

/** The longest window any cost read accepts: two years and a leap day. */
export const MAX_COST_WINDOW_DAYS = 731;

/** The most points a cost series may have. */
export const MAX_COST_SERIES_POINTS = 1000;

/** The window a read gets when it names none: the last 30 full days. */
export const DEFAULT_COST_WINDOW_DAYS = 30;

/** Milliseconds in a UTC day (UTC has no daylight saving). */
export const DAY_MS = 86_400_000;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const MIN_MS = Date.parse('0001-01-01T00:00:00Z');
const MAX_MS = Date.parse('9999-12-31T00:00:00Z');

/** The `YYYY-MM-DD` UTC day an instant (epoch milliseconds) falls on. */
export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The start of a `YYYY-MM-DD` UTC day in epoch milliseconds, or undefined
 * for anything else, including days that do not exist (`2026-02-30`).
 */
export function dayStart(day: string): number | undefined {
  if (!DAY.test(day)) return undefined;
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms) || formatDay(ms) !== day) return undefined;
  return ms;
}

function checkedDayStart(day: string): number {
  const ms = dayStart(day);
  if (ms === undefined) {
    throw new RangeError(`'${truncate(day)}' is not a YYYY-MM-DD day`);
  }
  return ms;
}

/** The UTC day `days` days after (or, negative, before) `day`. */
export function addDays(day: string, days: number): string {
  return formatDay(checkedDayStart(day) + days * DAY_MS);
}

/** The number of days in the month of a `YYYY-MM-DD` day. */
export function daysInMonthOf(day: string): number {
  const date = new Date(checkedDayStart(day));
  return new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0),
  ).getUTCDate();
}

/**
 * Checks a window's parameters and applies the defaults, in constant time
 * and memory (nothing is allocated per day of the window). Returns the
 * window, or an error message naming the parameter that is wrong.
 *
 * Days are `YYYY-MM-DD`; an ISO-8601 timestamp is accepted only if it
 * states its offset and falls on a UTC midnight (`2026-10-01T00:00:00Z`,
 * `2026-10-01T02:00:00+02:00`), because cost is booked per UTC day.
 */
export function parseCostWindow(
  input: { from?: string; to?: string; granularity?: 'day' | 'month' },
  now: Date = new Date(),
): { window: CostWindow } | { error: string } {
  const ms: { from?: number; to?: number } = {};
  for (const key of ['from', 'to'] as const) {
    const value = input[key];
    if (value === undefined) continue;
    const parsed = parseDayOrMidnight(value);
    if (parsed === undefined) {
      return {
        error: `${key} must be a YYYY-MM-DD day (or an ISO-8601 timestamp with an offset at a UTC midnight), got '${truncate(
          value,
        )}'`,
      };
    }
    ms[key] = parsed;
  }
  // Epoch days are whole UTC days: the start of today is a multiple of a day.
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const to =
    ms.to ??
    (ms.from !== undefined
      ? ms.from + DEFAULT_COST_WINDOW_DAYS * DAY_MS
      : today);
  const from = ms.from ?? to - DEFAULT_COST_WINDOW_DAYS * DAY_MS;
  if (from >= to) {
    return { error: 'from must be before to' };
  }
  const days = Math.round((to - from) / DAY_MS);
  if (days > MAX_COST_WINDOW_DAYS) {
    return {
      error: `from and to may be at most ${MAX_COST_WINDOW_DAYS} days apart, got ${days}`,
    };
  }
  // Months touched by the window, counted arithmetically.
  const f = new Date(from);
  const t = new Date(to - DAY_MS);
  const points =
    input.granularity === 'month'
      ? (t.getUTCFullYear() - f.getUTCFullYear()) * 12 +
        t.getUTCMonth() -
        f.getUTCMonth() +
        1
      : days;
  if (points > MAX_COST_SERIES_POINTS) {
    return {
      error: `granularity gives ${points} points; at most ${MAX_COST_SERIES_POINTS}`,
    };
  }
  if (from < MIN_MS || to > MAX_MS) {
    return { error: 'from and to must be days of the years 0001 to 9999' };
  }
  return { window: { from: formatDay(from), to: formatDay(to) } };
}

/** The most windows before its own a cost read also answers. */
export const MAX_PREVIOUS_COST_WINDOWS = 2;

/**
 * The `count` windows of the same length just before a window, newest
 * first (a comparison's windows), or an error message when `count` is out
 * of bounds or they would start before the year 0001.
 */
export function previousCostWindows(
  window: CostWindow,
  count: number,
): { windows: CostWindow[] } | { error: string } {
  if (
    !(
      Number.isInteger(count) &&
      count >= 0 &&
      count <= MAX_PREVIOUS_COST_WINDOWS
    )
  ) {
    return {
      error: `previousWindows must be a whole number from 0 to ${MAX_PREVIOUS_COST_WINDOWS}`,
    };
  }
  const from = checkedDayStart(window.from);
  const length = checkedDayStart(window.to) - from;
  if (from - count * length < MIN_MS) {
    return { error: 'the windows before this one would start before 0001' };
  }
  return {
    windows: Array.from({ length: count }, (_, i) => ({
      from: formatDay(from - (i + 1) * length),
      to: formatDay(from - i * length),
    })),
  };
}

const TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDayOrMidnight(value: string): number | undefined {
  if (value.length > 40) return undefined;
  const day = dayStart(value);
  if (day !== undefined) return day;
  const timestamp = TIMESTAMP.exec(value);
  if (!timestamp || dayStart(timestamp[1]) === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms % DAY_MS !== 0) return undefined;
  return ms;
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
