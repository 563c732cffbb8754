import { useCallback } from 'react';
import { useAppSearchParams } from '@backstage/frontend-plugin-api';

/**
 * The page's search parameters and a function that changes some of them
 * (an empty or undefined value removes one), replacing the history entry:
 * a view's filters live in the URL so it can be shared and reloaded.
 */
export function useSearchParamsUpdate<Key extends string>(): [
  URLSearchParams,
  (change: Partial<Record<Key, string | undefined>>) => void,
] {
  const [params, setParams] = useAppSearchParams();
  const update = useCallback(
    (change: Partial<Record<Key, string | undefined>>) =>
      setParams(
        previous => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(change)) {
            if (value === undefined || value === '') next.delete(key);
            else next.set(key, value as string);
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  return [params, update];
}
