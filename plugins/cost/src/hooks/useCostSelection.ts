import { useMemo, useState } from 'react';
import {
  MAX_COST_WINDOW_DAYS,
  type CostGranularity,
} from '@paved/plugin-cost-common';
import {
  DEFAULT_WINDOW_PRESET,
  isWindowPreset,
  resolveWindow,
  useSearchParamsUpdate,
  type ResolvedWindow,
} from '@paved/portal-ui';

/** What a cost view shows, kept in the URL so a view can be shared and reloaded. */
export type CostSelection = {
  /** A window preset's id (see @paved/portal-ui) or "custom". */
  windowPreset: string;
  /** The custom first and last day (inclusive), YYYY-MM-DD. */
  customFrom?: string;
  customTo?: string;
  window: ResolvedWindow;
  granularity: CostGranularity;
};

export type CostSelectionChange = Partial<
  Record<'window' | 'from' | 'to' | 'granularity', string | undefined>
>;

export function useCostSelection(): {
  selection: CostSelection;
  update: (change: CostSelectionChange) => void;
} {
  const [params, update] = useSearchParamsUpdate<keyof CostSelectionChange>();
  // The window ends on the day the page was opened, so every read on the
  // page uses the same days even across midnight.
  const [now] = useState(() => new Date());
  const requested = params.get('window');
  const windowPreset =
    requested === 'custom' || isWindowPreset(requested)
      ? requested!
      : DEFAULT_WINDOW_PRESET;
  const customFrom = params.get('from') ?? undefined;
  const customTo = params.get('to') ?? undefined;
  const window = useMemo(
    () =>
      resolveWindow(
        { preset: windowPreset, from: customFrom, to: customTo },
        now,
        {
          maxDays: MAX_COST_WINDOW_DAYS,
        },
      ),
    [windowPreset, customFrom, customTo, now],
  );
  const granularity: CostGranularity =
    params.get('granularity') === 'month' ? 'month' : 'day';

  return {
    selection: { windowPreset, customFrom, customTo, window, granularity },
    update,
  };
}
