import { DORA_MAX_WINDOW_DAYS } from '@paved/plugin-dora-common';
import {
  resolveWindow as resolveDayWindow,
  startOfDay,
  type WindowChoice,
} from '@paved/portal-ui';

export { isoDate, windowPresets, type WindowChoice } from '@paved/portal-ui';

/**
 * A window as the DORA API takes it: the instants its UTC days start and
 * end, with the previous window of the same length.
 */
export type ResolvedWindow = {
  from: string;
  to: string;
  days: number;
  label: string;
  previous: { from: string; to: string };
  /** Set when a custom choice could not be used (the last 30 days are shown instead). */
  problem?: string;
};

/**
 * The portal's one meaning of a window (whole UTC days, "last N days"
 * ending with today; see @paved/portal-ui), bounded by the days the DORA
 * backend answers for, as timestamps.
 */
export function resolveWindow(choice: WindowChoice, now: Date): ResolvedWindow {
  const window = resolveDayWindow(choice, now, {
    maxDays: DORA_MAX_WINDOW_DAYS,
  });
  return {
    ...window,
    from: startOfDay(window.from),
    to: startOfDay(window.to),
    previous: {
      from: startOfDay(window.previous.from),
      to: startOfDay(window.previous.to),
    },
  };
}
