import { formatDay } from './format';

/**
 * The one meaning of a time window in Paved's frontends, the one both the
 * DORA and the cost backends answer for: whole UTC days, `from` inclusive and
 * `to` exclusive (the cost backend accepts only days; the DORA backend cuts
 * its series in UTC days and takes `from`/`to` at their midnights).
 *
 * "Last N days" are the N UTC days ending with today: today's (still
 * growing) day is the one people look for, so `to` is tomorrow. "This
 * month" runs from the 1st of the current UTC month to the end of today,
 * and compares with the same days of the month before; "Last month" is
 * the previous calendar month, compared with the one before it.
 */

const DAY_MS = 86_400_000;

export const windowPresets = [
  { id: '7', label: 'Last 7 days' },
  { id: '30', label: 'Last 30 days' },
  { id: '90', label: 'Last 90 days' },
  { id: '180', label: 'Last 180 days' },
  { id: 'this-month', label: 'This month' },
  { id: 'last-month', label: 'Last month' },
] as const;

/** The window a view opens with. */
export const DEFAULT_WINDOW_PRESET = '30';

/** Whether `id` names one of the presets (not "custom"). */
export function isWindowPreset(id: string | null | undefined): boolean {
  return windowPresets.some(p => p.id === id);
}

const monthName = (start: number) =>
  new Date(start).toLocaleDateString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/** A window of whole UTC days: `YYYY-MM-DD`, `from` inclusive, `to` exclusive. */
export type DayWindow = { from: string; to: string };

/** The window as the user chose it (and as the URL keeps it). */
export type WindowChoice = {
  /** One of the presets' ids, or "custom". */
  preset: string;
  /** Custom first day, YYYY-MM-DD. */
  from?: string;
  /** Custom last day (inclusive), YYYY-MM-DD. */
  to?: string;
};

/** A window with its length, its label and the window of the same length before it. */
export type ResolvedWindow = DayWindow & {
  days: number;
  label: string;
  previous: DayWindow;
  /** Set when a custom choice could not be used (the last 30 days are shown instead). */
  problem?: string;
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** YYYY-MM-DD (UTC) of a timestamp, for date inputs and day windows. */
export function isoDate(date: Date | string | number): string {
  return new Date(date).toISOString().slice(0, 10);
}

/** The instant a UTC day starts, as an ISO-8601 timestamp. */
export function startOfDay(day: string): string {
  return `${day}T00:00:00.000Z`;
}

function resolved(
  from: number,
  to: number,
  label: string,
  problem?: string,
  previous?: { from: number; to: number },
): ResolvedWindow {
  const length = to - from;
  const before = previous ?? { from: from - length, to: from };
  return {
    from: isoDate(from),
    to: isoDate(to),
    days: Math.round(length / DAY_MS),
    label,
    previous: { from: isoDate(before.from), to: isoDate(before.to) },
    ...(problem ? { problem } : {}),
  };
}

/**
 * Resolves a choice on the day of `now` (UTC). A custom window runs from
 * the start of its first day to the end of its last; one the backends would
 * refuse (backwards, incomplete, longer than `maxDays`) falls back to the
 * last 30 days and says why.
 */
export function resolveWindow(
  choice: WindowChoice,
  now: Date,
  options: { maxDays: number },
): ResolvedWindow {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const tomorrow = Date.UTC(year, month, now.getUTCDate()) + DAY_MS;
  const lastDays = (days: number, label: string, problem?: string) =>
    resolved(tomorrow - days * DAY_MS, tomorrow, label, problem);
  const fallback = (problem: string) => lastDays(30, 'Last 30 days', problem);

  if (choice.preset === 'this-month') {
    const start = Date.UTC(year, month, 1);
    const previousStart = Date.UTC(year, month - 1, 1);
    return resolved(start, tomorrow, `${monthName(start)} so far`, undefined, {
      from: previousStart,
      to: Math.min(previousStart + (tomorrow - start), start),
    });
  }
  if (choice.preset === 'last-month') {
    const start = Date.UTC(year, month - 1, 1);
    const end = Date.UTC(year, month, 1);
    return resolved(start, end, monthName(start), undefined, {
      from: Date.UTC(year, month - 2, 1),
      to: start,
    });
  }
  if (choice.preset !== 'custom') {
    const days = isWindowPreset(choice.preset)
      ? Number(choice.preset)
      : Number(DEFAULT_WINDOW_PRESET);
    return lastDays(days, `Last ${days} days`);
  }
  const { from, to } = choice;
  if (!from || !to || !DAY.test(from) || !DAY.test(to)) {
    return fallback(
      'Pick a start and an end date; showing the last 30 days until then.',
    );
  }
  const start = Date.parse(startOfDay(from));
  const end = Date.parse(startOfDay(to)) + DAY_MS;
  if (Number.isNaN(start) || Number.isNaN(end) || start >= end) {
    return fallback(
      'The start date must not be after the end date; showing the last 30 days.',
    );
  }
  if (end - start > options.maxDays * DAY_MS) {
    return fallback(
      `A window may be at most ${options.maxDays} days long; showing the last 30 days.`,
    );
  }
  return resolved(start, end, `${formatDay(from)} – ${formatDay(to)}`);
}
