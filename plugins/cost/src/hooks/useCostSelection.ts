import { useMemo, useState } from 'react';
import {
  MAX_COST_WINDOW_DAYS,
  type CostGranularity,
} from '@paved/plugin-cost-common';
import {
  resolveWindow,
  useSearchParamsUpdate,
  windowPresets,
  type ResolvedWindow,
} from '@paved/portal-ui';

/** What a cost view shows, kept in the URL so a view can be shared and reloaded. */
export type CostSelection = {
  /** "30", "90" or "180". */
  windowPreset: string;
  window: ResolvedWindow;
  granularity: CostGranularity;
};

export type CostSelectionChange = Partial<
  Record<'window' | 'granularity', string | undefined>
>;

export function useCostSelection(): {
  selection: CostSelection;
  update: (change: CostSelectionChange) => void;
} {
  const [params, update] = useSearchParamsUpdate<'window' | 'granularity'>();
  // The window ends on the day the page was opened, so every read on the
  // page uses the same days even across midnight.
  const [now] = useState(() => new Date());
  const requested = params.get('window');
  const windowPreset = windowPresets.some(p => p.id === requested)
    ? requested!
    : windowPresets[0].id;
  const window = useMemo(
    () =>
      resolveWindow({ preset: windowPreset }, now, {
        maxDays: MAX_COST_WINDOW_DAYS,
      }),
    [windowPreset, now],
  );
  const granularity: CostGranularity =
    params.get('granularity') === 'month' ? 'month' : 'day';

  return { selection: { windowPreset, window, granularity }, update };
}
