import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  CostGranularity,
  CostSourceStatus,
  EntityCost,
} from '@paved/plugin-cost-common';
import { costApiRef, type CostWindow } from '../api';

export type EntityCostWithSources = {
  cost: EntityCost;
  /** Empty when no cost source is connected: then the zeros mean nothing. */
  sources: CostSourceStatus[];
};

/** An entity's cost in a window, with the sources it was computed from. */
export function useEntityCost(
  entityRef: string,
  window: CostWindow,
  granularity: CostGranularity,
) {
  const costApi = useApi(costApiRef);
  return useAsyncRetry(async (): Promise<EntityCostWithSources> => {
    const [cost, sources] = await Promise.all([
      costApi.getEntityCost(entityRef, window, granularity),
      costApi.getSources(),
    ]);
    return { cost, sources };
  }, [costApi, entityRef, window.from, window.to, granularity]);
}

/** Whether a scope has any cost at all in the window. */
export function hasCost(cost: EntityCost): boolean {
  return cost.total !== 0 || cost.series.some(point => point.total !== 0);
}
