import { useCallback, useMemo, useState } from 'react';
import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import {
  doraMetricNames,
  type DoraMetricName,
  type DoraSeriesInterval,
} from '@paved/plugin-dora-common';
import { resolveWindow, type ResolvedWindow } from '../lib/window';

/** What a dashboard shows, kept in the URL so a view can be shared and reloaded. */
export type DeliverySelection = {
  /** The team on the Delivery page: a group ref, or "all" for the organisation. */
  team?: string;
  /** "30", "90", "180" or "custom". */
  windowPreset: string;
  customFrom?: string;
  customTo?: string;
  window: ResolvedWindow;
  environment: string;
  interval: DoraSeriesInterval;
  /** The metric whose deployments are open in the drill-down. */
  deployments?: DoraMetricName;
};

/** The query parameters a dashboard reads; `undefined` removes one. */
export type DeliverySelectionChange = Partial<
  Record<
    | 'team'
    | 'window'
    | 'from'
    | 'to'
    | 'environment'
    | 'interval'
    | 'deployments',
    string | undefined
  >
>;

const intervals: DoraSeriesInterval[] = ['day', 'week', 'month'];

export const DEFAULT_ENVIRONMENT = 'production';

export function useDeliverySelection(): {
  selection: DeliverySelection;
  update: (change: DeliverySelectionChange) => void;
} {
  const [params, setParams] = useAppSearchParams();
  // "Last N days" ends when the page was opened, so the numbers hold still
  // while the user looks at them (and every read uses the same window).
  const [now] = useState(() => {
    const date = new Date();
    date.setSeconds(0, 0);
    return date;
  });

  const windowPreset = params.get('window') ?? '30';
  const customFrom = params.get('from') ?? undefined;
  const customTo = params.get('to') ?? undefined;
  const window = useMemo(
    () =>
      resolveWindow(
        { preset: windowPreset, from: customFrom, to: customTo },
        now,
      ),
    [windowPreset, customFrom, customTo, now],
  );
  const interval = params.get('interval') as DoraSeriesInterval | null;
  const deployments = params.get('deployments') as DoraMetricName | null;

  const selection: DeliverySelection = {
    team: params.get('team') ?? undefined,
    windowPreset,
    customFrom,
    customTo,
    window,
    environment: params.get('environment') || DEFAULT_ENVIRONMENT,
    interval: interval && intervals.includes(interval) ? interval : 'week',
    deployments:
      deployments && doraMetricNames.includes(deployments)
        ? deployments
        : undefined,
  };

  const update = useCallback(
    (change: DeliverySelectionChange) =>
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

  return { selection, update };
}
