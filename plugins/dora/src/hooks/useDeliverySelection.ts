import { useMemo, useState } from 'react';
import {
  doraMetricNames,
  type DoraMetricName,
  type DoraSeriesInterval,
} from '@paved/plugin-dora-common';
import { useSearchParamsUpdate } from '@paved/portal-ui';
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
  const [params, update] =
    useSearchParamsUpdate<keyof DeliverySelectionChange>();
  // "Last N days" end with the day the page was opened, so every read on
  // the page uses the same window even across midnight.
  const [now] = useState(() => new Date());

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

  return { selection, update };
}
