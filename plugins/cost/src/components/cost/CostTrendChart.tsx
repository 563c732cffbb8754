import { useMemo } from 'react';
import { Card, CardBody, CardHeader, Text } from '@backstage/ui';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  COST_CATEGORIES,
  type CostCategory,
  type EntityCost,
} from '@paved/plugin-cost-common';
import {
  categoryLabels,
  formatMoney,
  formatMoneyShort,
  formatPeriod,
} from '../../lib/format';
import { moneyAxis, periodAxis } from './chartAxes';
import { ChartDataTable, chartStyles } from '@paved/portal-ui';
import styles from './cost.module.css';

type ChartPoint = { period: string; total: number } & Partial<
  Record<CostCategory, number>
>;

/** The categories with any cost in the series, in the canonical order. */
function categoriesIn(cost: EntityCost): CostCategory[] {
  return COST_CATEGORIES.filter(category =>
    cost.series.some(point => (point.byCategory[category] ?? 0) !== 0),
  );
}

const ChartTooltip = ({
  active,
  payload,
  categories,
  currency,
}: {
  active?: boolean;
  payload?: Array<{ payload: ChartPoint }>;
  categories: CostCategory[];
  currency: string;
}) => {
  const point = active ? payload?.[0]?.payload : undefined;
  if (!point) return null;
  return (
    <div className={chartStyles.chartTooltip}>
      <div>{formatPeriod(point.period)}</div>
      <div className={chartStyles.chartTooltipValue}>
        {formatMoney(point.total, currency)}
      </div>
      {categories
        .filter(category => point[category])
        .map(category => (
          <div key={category}>
            {categoryLabels[category]}: {formatMoney(point[category], currency)}
          </div>
        ))}
    </div>
  );
};

/** The scope's cost per day or month, stacked by category. */
export const CostTrendChart = ({
  cost,
  windowLabel,
}: {
  cost: EntityCost;
  windowLabel: string;
}) => {
  const categories = useMemo(() => categoriesIn(cost), [cost]);
  const data = useMemo(
    (): ChartPoint[] =>
      cost.series.map(point => ({
        period: point.period,
        total: point.total,
        ...point.byCategory,
      })),
    [cost],
  );
  const unit = cost.granularity === 'month' ? 'month' : 'day';
  return (
    <Card aria-labelledby="cost-trend-title" className={styles.palette}>
      <CardHeader>
        <Text as="h2" id="cost-trend-title" variant="title-x-small">
          Cost per {unit}
        </Text>
        <Text as="p" variant="body-x-small" color="secondary">
          {windowLabel}, by category · total{' '}
          {formatMoney(cost.total, cost.currency)}
        </Text>
      </CardHeader>
      <CardBody>
        <div
          className={`${chartStyles.chart} ${styles.categories}`}
          aria-hidden
        >
          <ResponsiveContainer width="100%" height={240}>
            <BarChart
              data={data}
              margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
            >
              <CartesianGrid vertical={false} />
              <XAxis {...periodAxis} />
              <YAxis
                {...moneyAxis(value => formatMoneyShort(value, cost.currency))}
              />
              <Tooltip
                content={
                  <ChartTooltip
                    categories={categories}
                    currency={cost.currency}
                  />
                }
                isAnimationActive={false}
              />
              {categories.map(category => (
                <Bar
                  key={category}
                  dataKey={category}
                  stackId="cost"
                  className={`cost-category-${category}`}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
        <ul className={chartStyles.legend} aria-hidden>
          {categories.map(category => (
            <li key={category}>
              <span
                className={`${chartStyles.swatch} ${styles.swatch}`}
                data-category={category}
              />
              {categoryLabels[category]}
            </li>
          ))}
        </ul>
        {/* The same numbers for screen readers. */}
        <ChartDataTable
          caption={`Cost per ${unit} by category, ${windowLabel.toLocaleLowerCase(
            'en-US',
          )}`}
          columns={[
            'Period',
            'Total',
            ...categories.map(category => categoryLabels[category]),
          ]}
          rows={data.map(point => ({
            key: point.period,
            label: formatPeriod(point.period),
            cells: [
              formatMoney(point.total, cost.currency),
              ...categories.map(category =>
                formatMoney(point[category] ?? 0, cost.currency),
              ),
            ],
          }))}
        />
      </CardBody>
    </Card>
  );
};
