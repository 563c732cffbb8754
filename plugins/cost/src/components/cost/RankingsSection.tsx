import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import type { ResolvedWindow } from '@paved/portal-ui';
import { costApiRef } from '../../api';
import { ComponentRankings } from './ComponentRankings';
import { CostError, CostLoading } from './CostStates';

/** A group's or system's components ranked, read from `/rankings`. */
export const RankingsSection = ({
  entityRef,
  window,
}: {
  entityRef: string;
  window: ResolvedWindow;
}) => {
  const costApi = useApi(costApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => costApi.getRankings(entityRef, window),
    [costApi, entityRef, window.from, window.to],
  );
  if (error) return <CostError error={error} onRetry={retry} />;
  if (loading || !value) return <CostLoading />;
  return <ComponentRankings rankings={value} windowDays={window.days} />;
};
