import { useCallback, useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  EntityKubeStatus,
  TeamKubeStatus,
} from '@paved/plugin-kube-status-common';
import { kubeStatusApiRef } from '../api';

/** The backend serves from its watch cache, so reading it often is cheap. */
export const REFRESH_INTERVAL_MS = 15_000;

export type PolledState<T> = {
  value?: T;
  /** The last read's error; with a value, the value is the last good read. */
  error?: Error;
  /** True until the first read answers; refreshes never set it again. */
  loading: boolean;
  /** When the value was read. */
  updatedAt?: Date;
};

/**
 * Reads now and then every {@link REFRESH_INTERVAL_MS} while the page is
 * visible, and at once when it is shown again. A refresh replaces the value in place (no spinner, no flicker);
 * a failed refresh keeps the last good value next to its error. A new
 * `load` (another entity) starts over.
 */
export function usePolledStatus<T>(
  load: () => Promise<T>,
  intervalMs: number = REFRESH_INTERVAL_MS,
): PolledState<T> & { refresh: () => void } {
  const [state, setState] = useState<PolledState<T>>({ loading: true });
  const [refreshes, setRefreshes] = useState(0);

  useEffect(() => {
    setState({ loading: true });
  }, [load]);

  useEffect(() => {
    let cancelled = false;
    let reading = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      clearTimeout(timer);
      // A hidden tab reads nothing; it catches up when it is shown again.
      if (!document.hidden) {
        reading = true;
        try {
          const value = await load();
          if (!cancelled) {
            setState({ value, loading: false, updatedAt: new Date() });
          }
        } catch (e) {
          if (!cancelled) {
            setState(previous => ({
              ...previous,
              error: e as Error,
              loading: false,
            }));
          }
        }
        reading = false;
      }
      // The next read is timed from the end of this one, so slow answers never pile up.
      if (!cancelled) timer = setTimeout(read, intervalMs);
    };
    const onVisibilityChange = () => {
      if (!document.hidden && !reading) read();
    };
    document.addEventListener('visibilitychange', onVisibilityChange);
    read();
    return () => {
      cancelled = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [load, intervalMs, refreshes]);

  const refresh = useCallback(() => setRefreshes(n => n + 1), []);
  return { ...state, refresh };
}

export function useTeamKubeStatus(entityRef: string) {
  const api = useApi(kubeStatusApiRef);
  const load = useCallback(
    () => api.getTeamStatus(entityRef),
    [api, entityRef],
  );
  return usePolledStatus<TeamKubeStatus>(load);
}

export function useEntityKubeStatus(entityRef: string) {
  const api = useApi(kubeStatusApiRef);
  const load = useCallback(
    () => api.getEntityStatus(entityRef),
    [api, entityRef],
  );
  return usePolledStatus<EntityKubeStatus>(load);
}
