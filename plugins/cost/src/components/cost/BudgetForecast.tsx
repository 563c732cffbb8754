import { Card, CardBody, CardHeader, Text } from '@backstage/ui';
import type { EntityCost } from '@paved/plugin-cost-common';
import { formatMoney, formatPeriod, formatShare } from '../../lib/format';
import { BUDGET_ANNOTATION } from './CostStates';
import styles from './cost.module.css';

/** The month-end forecast against the monthly budget, with how it was computed. */
export const BudgetForecast = ({ cost }: { cost: EntityCost }) => {
  const { budget, forecast, currency } = cost;
  const over = forecast?.budgetUsed !== undefined && forecast.budgetUsed > 1;
  return (
    <Card aria-labelledby="cost-budget-title">
      <CardHeader>
        <Text as="h2" id="cost-budget-title" variant="title-x-small">
          Budget and forecast
        </Text>
      </CardHeader>
      <CardBody>
        <dl className={styles.facts}>
          {forecast && (
            <>
              <div className={styles.fact}>
                <dt>Spent in {formatPeriod(forecast.month)}</dt>
                <dd>{formatMoney(forecast.spent, currency)}</dd>
              </div>
              <div className={styles.fact}>
                <dt>Month-end forecast</dt>
                <dd>{formatMoney(forecast.projected, currency)}</dd>
              </div>
            </>
          )}
          {budget && (
            <div className={styles.fact}>
              <dt>
                Monthly budget (from{' '}
                {budget.source === 'annotation'
                  ? `the ${BUDGET_ANNOTATION} annotation`
                  : 'configuration'}
                )
              </dt>
              <dd>{formatMoney(budget.monthly, currency)}</dd>
            </div>
          )}
          {forecast?.budgetUsed !== undefined && (
            <div className={styles.fact}>
              <dt>Forecast vs budget</dt>
              <dd className={over ? styles.over : undefined}>
                {formatShare(forecast.budgetUsed)} of budget
                {over ? ' · over budget' : ''}
              </dd>
            </div>
          )}
        </dl>
        {forecast ? (
          <Text as="p" variant="body-x-small" color="secondary">
            Forecast: {forecast.method}
          </Text>
        ) : (
          <Text as="p" variant="body-small" color="secondary">
            No forecast: there is no cost in the current month yet.
          </Text>
        )}
        {cost.budgetProblem && (
          <Text as="p" variant="body-small" className={styles.over}>
            No budget: {cost.budgetProblem}
          </Text>
        )}
        {!budget && !cost.budgetProblem && (
          <Text as="p" variant="body-small" color="secondary">
            No budget set. Add{' '}
            <code>{BUDGET_ANNOTATION}: &lt;monthly amount&gt;</code> to the
            entity to compare the forecast with one.
          </Text>
        )}
      </CardBody>
    </Card>
  );
};
