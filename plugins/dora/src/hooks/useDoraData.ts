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
    // One after the other: a read that arrives while the backend is
    // attributing newly matched events can see the state from before
    // (see the README), and the two windows must be compared as of the
    // same state.
    const current = await doraApi.getMetrics({
      entityRef,
      from: window.from,
      to: window.to,
      environment,
    });
    const previous = await doraApi.getMetrics({
      entityRef,
      from: window.previous.from,
      to: window.previous.to,
      environment,
    });
    return { current, previous };
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
