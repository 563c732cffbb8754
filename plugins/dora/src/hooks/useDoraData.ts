import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import type { DoraMetrics } from '@paved/plugin-dora-common';
import { doraApiRef, type DoraScope } from '../api';
import type { ResolvedWindow } from '../lib/window';

export type MetricsWithPrevious = {
  current: DoraMetrics;
  previous: DoraMetrics;
};

/** The scope's metrics in the window and in the window before it. */
export function useMetricsWithPrevious(
  entityRef: string | undefined,
  window: ResolvedWindow,
  environment: string,
) {
  const doraApi = useApi(doraApiRef);
  return useAsyncRetry(async (): Promise<MetricsWithPrevious> => {
    // One read answers both windows, from one state of the analysis (a
    // read that arrives while the backend attributes newly matched events
    // sees the state from before; two reads could straddle it).
    const { previous = [], ...current } = await doraApi.getMetrics(
      { entityRef, from: window.from, to: window.to, environment },
      { previousWindows: 1 },
    );
    if (!previous[0]) {
      throw new Error('The DORA backend did not answer the previous window');
    }
    return { current, previous: previous[0] };
  }, [doraApi, entityRef, window.from, window.to, environment]);
}

export function scopeOf(
  entityRef: string | undefined,
  window: ResolvedWindow,
  environment: string,
): DoraScope {
  return { entityRef, from: window.from, to: window.to, environment };
}

/** Whether the backend generates demo history (`dora.demo.enabled`). */
export function useIsDemoData(): boolean {
  const configApi = useApi(configApiRef);
  return configApi.getOptionalBoolean('dora.demo.enabled') ?? false;
}
