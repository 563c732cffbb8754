import { DORA_MAX_WINDOW_DAYS } from '@paved/plugin-dora-common';
import { formatDate } from './format';

const DAY_MS = 86_400_000;

export const windowPresets = [
  { id: '30', label: 'Last 30 days', days: 30 },
  { id: '90', label: 'Last 90 days', days: 90 },
  { id: '180', label: 'Last 180 days', days: 180 },
] as const;

/** The window as the user chose it (and as the URL keeps it). */
export type WindowChoice = {
  /** "30", "90", "180" or "custom". */
  preset: string;
  /** Custom first day, YYYY-MM-DD. */
  from?: string;
  /** Custom last day (inclusive), YYYY-MM-DD. */
  to?: string;
};

/** A window resolved to timestamps, with the previous window of the same length. */
export type ResolvedWindow = {
  from: string;
  to: string;
  days: number;
  label: string;
  previous: { from: string; to: string };
  /** Set when a custom choice could not be used (the preset default is used instead). */
  problem?: string;
};

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

function resolved(from: Date, to: Date, label: string, problem?: string) {
  const length = to.getTime() - from.getTime();
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    days: Math.max(1, Math.round(length / DAY_MS)),
    label,
    previous: {
      from: new Date(from.getTime() - length).toISOString(),
      to: from.toISOString(),
    },
    ...(problem ? { problem } : {}),
  };
}

/**
 * "Last N days" ends now; a custom window runs from the start of its first
 * day to the end of its last day, in UTC like the series buckets.
 */
export function resolveWindow(choice: WindowChoice, now: Date): ResolvedWindow {
  if (choice.preset === 'custom') {
    const { from, to } = choice;
    if (from && to && isoDay.test(from) && isoDay.test(to)) {
      const start = new Date(`${from}T00:00:00.000Z`);
      const end = new Date(new Date(`${to}T00:00:00.000Z`).getTime() + DAY_MS);
      if (
        !Number.isNaN(start.getTime()) &&
        start < end &&
        end.getTime() - start.getTime() > DORA_MAX_WINDOW_DAYS * DAY_MS
      ) {
        return resolved(
          new Date(now.getTime() - 30 * DAY_MS),
          now,
          'Last 30 days',
          `A window may be at most ${DORA_MAX_WINDOW_DAYS} days long; showing the last 30 days.`,
        );
      }
      if (!Number.isNaN(start.getTime()) && start < end) {
        return resolved(start, end, `${formatDate(start)} – ${formatDate(to)}`);
      }
      return resolved(
        new Date(now.getTime() - 30 * DAY_MS),
        now,
        'Last 30 days',
        'The start date must not be after the end date; showing the last 30 days.',
      );
    }
    return resolved(
      new Date(now.getTime() - 30 * DAY_MS),
      now,
      'Last 30 days',
      'Pick a start and an end date; showing the last 30 days until then.',
    );
  }
  const preset =
    windowPresets.find(p => p.id === choice.preset) ?? windowPresets[0];
  return resolved(
    new Date(now.getTime() - preset.days * DAY_MS),
    now,
    preset.label,
  );
}

/** YYYY-MM-DD (UTC) of a timestamp, for date inputs. */
export function isoDate(date: Date | string): string {
  return new Date(date).toISOString().slice(0, 10);
}
