import type { CostWindow } from '../api';

const DAY_MS = 86_400_000;

export const windowPresets = [
  { id: '30', label: 'Last 30 days', days: 30 },
  { id: '90', label: 'Last 90 days', days: 90 },
  { id: '180', label: 'Last 180 days', days: 180 },
] as const;

/** A window of whole UTC days, with the window of the same length before it. */
export type ResolvedWindow = CostWindow & {
  days: number;
  label: string;
  previous: CostWindow;
};

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * "Last N days" are the N UTC days ending with today: cost is booked per
 * UTC day, and today's (still growing) day is the one people look for.
 * `to` is exclusive, so it is tomorrow.
 */
export function resolveWindow(preset: string, now: Date): ResolvedWindow {
  const choice = windowPresets.find(p => p.id === preset) ?? windowPresets[0];
  const today = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  const to = today + DAY_MS;
  const from = to - choice.days * DAY_MS;
  return {
    from: isoDay(from),
    to: isoDay(to),
    days: choice.days,
    label: choice.label,
    previous: { from: isoDay(from - choice.days * DAY_MS), to: isoDay(from) },
  };
}
