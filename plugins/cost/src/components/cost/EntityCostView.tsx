import type { ReactNode } from 'react';
import { Flex, Text } from '@backstage/ui';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { EntityCost } from '@paved/plugin-cost-common';
import { hasCost, useEntityCost } from '../../hooks/useCostData';
import {
  useCostSelection,
  type CostSelection,
} from '../../hooks/useCostSelection';
import { CostFilters } from './CostFilters';
import {
  CostError,
  CostLoading,
  NoCostSource,
  NoEntityCost,
} from './CostStates';
import { CostSummary } from './CostSummary';
import { CostTrendChart } from './CostTrendChart';
import { CsvDownloadLink } from './CsvDownloadLink';
import styles from './cost.module.css';

/**
 * The frame of every entity Cost tab: the pickers, the read, and the
 * loading, error and empty states; `children` renders the loaded cost
 * below the total and the trend.
 */
export const EntityCostView = ({
  entity,
  children,
  footer,
}: {
  entity: Entity;
  children?: (cost: EntityCost, selection: CostSelection) => ReactNode;
  /** Shown whenever a source is connected, even when the entity has no cost. */
  footer?: (selection: CostSelection) => ReactNode;
}) => {
  const entityRef = stringifyEntityRef(entity);
  const { selection, update } = useCostSelection();
  const { window, granularity } = selection;
  const { value, loading, error, retry } = useEntityCost(
    entityRef,
    window,
    granularity,
  );

  let content: ReactNode;
  if (error) {
    content = <CostError error={error} entity={entity} onRetry={retry} />;
  } else if (loading || !value) {
    content = <CostLoading />;
  } else if (value.sources.length === 0) {
    content = <NoCostSource />;
  } else if (!hasCost(value.cost)) {
    content = <NoEntityCost entity={entity} windowLabel={window.label} />;
  } else {
    content = (
      <>
        <CostSummary cost={value.cost} windowLabel={window.label} />
        <CostTrendChart cost={value.cost} windowLabel={window.label} />
        {children?.(value.cost, selection)}
      </>
    );
  }

  const showDownload = Boolean(value && value.sources.length > 0 && !error);
  return (
    <Flex direction="column" gap="5" className={styles.view}>
      <CostFilters
        selection={selection}
        update={update}
        end={
          showDownload ? (
            <CsvDownloadLink entityRef={entityRef} window={window} />
          ) : undefined
        }
      />
      {value?.cost.allocationProblem && !error && (
        <Text as="p" variant="body-small" className={styles.over}>
          Cost allocation: {value.cost.allocationProblem}
        </Text>
      )}
      {content}
      {showDownload && footer?.(selection)}
    </Flex>
  );
};
