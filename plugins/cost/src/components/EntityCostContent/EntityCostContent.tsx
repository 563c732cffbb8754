import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Anomalies,
  BudgetForecast,
  CostPerRequest,
  Efficiency,
  EntityCostView,
  RankingsSection,
  Reconciliation,
} from '../cost';
import styles from '../cost/cost.module.css';

/**
 * The "Cost" tab of a component or system: the window's total split into
 * direct and distributed cost, the trend by category, cost per request,
 * efficiency, budget and forecast, anomalies and the reconciliation with
 * the bill; a system also ranks its components.
 */
export const EntityCostContent = () => {
  const { entity } = useEntity();
  const isSystem = entity.kind.toLocaleLowerCase('en-US') === 'system';
  return (
    <EntityCostView entity={entity}>
      {(cost, selection) => (
        <>
          {isSystem && (
            <RankingsSection
              entityRef={stringifyEntityRef(entity)}
              window={selection.window}
            />
          )}
          <div className={styles.cards}>
            <BudgetForecast cost={cost} />
            <CostPerRequest cost={cost} />
            <Efficiency cost={cost} />
          </div>
          <Anomalies cost={cost} />
          <Reconciliation cost={cost} />
        </>
      )}
    </EntityCostView>
  );
};
