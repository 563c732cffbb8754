import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  Link,
  Text,
} from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { MAX_COST_WINDOW_DAYS } from '@paved/plugin-cost-common';
import { isForbidden, resolveWindow } from '@paved/portal-ui';
import { costApiRef } from '../../api';
import { hasCost } from '../../hooks/useCostData';
import { formatMoney, formatMoneyChange, formatShare } from '../../lib/format';
import { CostError, CostLoading } from '../cost';
import styles from '../cost/cost.module.css';

/**
 * A component's cost over the last 30 days on its overview: the total
 * against the 30 days before, direct and distributed, cost per request and
 * the budget, linking to the Cost tab.
 */
export const EntityCostCard = () => {
  const { entity } = useEntity();
  const costApi = useApi(costApiRef);
  const entityLink = useEntityRefLink();
  const entityRef = stringifyEntityRef(entity);
  const [now] = useState(() => new Date());
  const window = useMemo(
    () =>
      resolveWindow({ preset: '30' }, now, {
        maxDays: MAX_COST_WINDOW_DAYS,
      }),
    [now],
  );
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const [cost, sources] = await Promise.all([
      costApi.getEntityCost(entityRef, window, 'day'),
      costApi.getSources(),
    ]);
    // The comparison is a nicety: without it the card still has its numbers.
    const previous = await costApi
      .getEntityCost(entityRef, window.previous, 'month')
      .catch(() => undefined);
    return { cost, sources, previous };
  }, [costApi, entityRef, window]);
  const tabHref = `${entityLink(entity)}/cost`;

  let body;
  if (error) {
    body = isForbidden(error) ? (
      <Text as="p" variant="body-small" color="secondary">
        Only members of the team that owns this component and portal admins see
        its cost.
      </Text>
    ) : (
      <CostError error={error} onRetry={retry} />
    );
  } else if (loading || !value) {
    body = <CostLoading />;
  } else if (value.sources.length === 0) {
    body = (
      <Text as="p" variant="body-small" color="secondary">
        No cost source is connected.{' '}
        <Link href={tabHref}>See how to connect one</Link>.
      </Text>
    );
  } else if (!hasCost(value.cost)) {
    body = (
      <Text as="p" variant="body-small" color="secondary">
        No cost matched this component in the last 30 days.{' '}
        <Link href={tabHref}>See how cost is matched</Link>.
      </Text>
    );
  } else {
    const { cost, previous } = value;
    const change =
      previous && previous.total > 0
        ? (cost.total - previous.total) / previous.total
        : undefined;
    const budgetUsed = cost.forecast?.budgetUsed;
    body = (
      <dl className={styles.facts}>
        <div className={styles.fact}>
          <dt>Total</dt>
          <dd>{formatMoney(cost.total, cost.currency)}</dd>
        </div>
        {change !== undefined && previous && (
          <div className={styles.fact}>
            <dt>vs previous 30 days</dt>
            <dd>
              {formatMoneyChange(cost.total - previous.total, cost.currency)} (
              {change >= 0 ? '+' : '−'}
              {formatShare(Math.abs(change))})
            </dd>
          </div>
        )}
        <div className={styles.fact}>
          <dt>Direct / distributed</dt>
          <dd>
            {formatMoney(cost.direct, cost.currency)} /{' '}
            {formatMoney(cost.distributed, cost.currency)}
          </dd>
        </div>
        <div className={styles.fact}>
          <dt>Cost per request</dt>
          <dd>
            {cost.averageCostPerRequest === null
              ? 'No request data'
              : formatMoney(cost.averageCostPerRequest, cost.currency)}
          </dd>
        </div>
        <div className={styles.fact}>
          <dt>Budget</dt>
          <dd
            className={
              budgetUsed !== undefined && budgetUsed > 1
                ? styles.over
                : undefined
            }
          >
            {budgetUsed === undefined
              ? 'No budget'
              : `${formatShare(budgetUsed)} forecast${
                  budgetUsed > 1 ? ' · over' : ''
                }`}
          </dd>
        </div>
      </dl>
    );
  }

  return (
    <Card aria-labelledby="cost-card-title">
      <CardHeader>
        <Text as="h2" id="cost-card-title" variant="title-x-small">
          Cost
        </Text>
        <Text as="p" variant="body-small" color="secondary">
          Last 30 days
        </Text>
      </CardHeader>
      <CardBody>{body}</CardBody>
      <CardFooter>
        <Link href={tabHref}>Trend, budget and anomalies</Link>
      </CardFooter>
    </Card>
  );
};
