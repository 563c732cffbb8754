import { useCallback, useMemo, useState } from 'react';
import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import type { CostGranularity } from '@paved/plugin-cost-common';
import {
  resolveWindow,
  windowPresets,
  type ResolvedWindow,
} from '../lib/window';

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
  const [params, setParams] = useAppSearchParams();
  // The window ends on the day the page was opened, so every read on the
  // page uses the same days even across midnight.
  const [now] = useState(() => new Date());
  const requested = params.get('window');
  const windowPreset = windowPresets.some(p => p.id === requested)
    ? requested!
    : windowPresets[0].id;
  const window = useMemo(
    () => resolveWindow(windowPreset, now),
    [windowPreset, now],
  );
  const granularity: CostGranularity =
    params.get('granularity') === 'month' ? 'month' : 'day';

  const update = useCallback(
    (change: CostSelectionChange) =>
      setParams(
        previous => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(change)) {
            if (value === undefined || value === '') next.delete(key);
            else next.set(key, value);
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  return { selection: { windowPreset, window, granularity }, update };
}
