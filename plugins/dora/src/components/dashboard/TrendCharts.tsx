import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Card,
  CardBody,
  CardHeader,
  Flex,
  Skeleton,
  Text,
  ToggleButton,
  ToggleButtonGroup,
} from '@backstage/ui';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { DoraSeriesInterval } from '@paved/plugin-dora-common';
import { doraApiRef, type DoraScope } from '../../api';
import { valueAxis } from '../../lib/axis';
import { metricDefinitions, type MetricDefinition } from '../../lib/metrics';
import {
  ChartDataTable,
  chartStyles,
  formatShortDay,
  plural,
  ReadError,
} from '@paved/portal-ui';
import styles from './dashboard.module.css';

type ChartPoint = {
  start: string;
  end: string;
  value: number | null;
  n: number;
};

const intervalNames: Record<DoraSeriesInterval, string> = {
  day: 'day',
  week: 'week',
  month: 'month',
};

function periodLabel(point: ChartPoint, interval: DoraSeriesInterval) {
  if (interval === 'day') return formatShortDay(point.start);
  // The last bucket ends at the window's end; name both ends.
  const lastDay = new Date(Date.parse(point.end) - 1);
  return `${formatShortDay(point.start)} – ${formatShortDay(lastDay)}`;
}

const ChartTooltip = ({
  active,
  payload,
  metric,
  interval,
}: {
  active?: boolean;
  payload?: Array<{ payload: ChartPoint }>;
  metric: MetricDefinition;
  interval: DoraSeriesInterval;
}) => {
  const point = active ? payload?.[0]?.payload : undefined;
  if (!point) return null;
  return (
    <div className={chartStyles.chartTooltip}>
      <div className={styles.chartTooltipPeriod}>
        {periodLabel(point, interval)}
      </div>
      <div className={chartStyles.chartTooltipValue}>
        {point.value === null ? 'No data' : metric.format(point.value)}
      </div>
      <div>{plural(point.n, metric.countNoun, metric.countNounPlural)}</div>
    </div>
  );
};

/** One metric's trend over the window, one point per day, week or month. */
export const TrendChart = ({
  metric,
  scope,
  interval,
}: {
  metric: MetricDefinition;
  scope: DoraScope;
  interval: DoraSeriesInterval;
}) => {
  const doraApi = useApi(doraApiRef);
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const series = await doraApi.getSeries(scope, metric.name, interval);
    return series.points.map(p => ({ ...p, value: metric.pointValue(p) }));
  }, [
    doraApi,
    scope.entityRef,
    scope.from,
    scope.to,
    scope.environment,
    metric,
    interval,
  ]);

  const axis = useMemo(
    () => valueAxis(metric.kind, value?.map(p => p.value) ?? []),
    [metric.kind, value],
  );
  return (
    <Card className={styles.trend} aria-label={`${metric.title} trend`}>
      <CardHeader>
        <Text as="h3" variant="body-medium" weight="bold">
          {metric.title}
        </Text>
        <Text as="p" variant="body-x-small" color="secondary">
          {metric.description}, per {intervalNames[interval]}
        </Text>
      </CardHeader>
      <CardBody>
        {loading && <Skeleton width="100%" height={160} />}
        {error && (
          <ReadError
            title={`Could not load the ${metric.title.toLocaleLowerCase(
              'en-US',
            )} trend`}
            error={error}
            onRetry={retry}
          />
        )}
        {value && !loading && !error && (
          <>
            <div className={`${chartStyles.chart} ${styles.bars}`} aria-hidden>
              <ResponsiveContainer width="100%" height={160}>
                <ComposedChart
                  data={value}
                  margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
                >
                  <CartesianGrid vertical={false} />
                  <XAxis
                    dataKey="start"
                    tickFormatter={formatShortDay}
                    minTickGap={16}
                    tickLine={false}
                    fontSize={11}
                  />
                  <YAxis
                    width={64}
                    ticks={axis.ticks}
                    interval={0}
                    domain={[0, axis.ticks[axis.ticks.length - 1]]}
                    tickFormatter={axis.format}
                    tickLine={false}
                    axisLine={false}
                    fontSize={11}
                  />
                  <Tooltip
                    content={
                      <ChartTooltip metric={metric} interval={interval} />
                    }
                    cursor={{ className: styles.chartCursor }}
                    isAnimationActive={false}
                  />
                  {metric.kind === 'frequency' ? (
                    <Bar
                      dataKey="value"
                      radius={[3, 3, 0, 0]}
                      isAnimationActive={false}
                    />
                  ) : (
                    <Line
                      dataKey="value"
                      type="linear"
                      strokeWidth={2}
                      dot={value.length <= 40 ? { r: 2.5 } : false}
                      activeDot={{ r: 4 }}
                      connectNulls={false}
                      isAnimationActive={false}
                    />
                  )}
                </ComposedChart>
              </ResponsiveContainer>
            </div>
            {/* The same points for screen readers. */}
            <ChartDataTable
              caption={`${metric.title} per ${intervalNames[interval]}`}
              columns={['Period', metric.title, 'Based on']}
              rows={value.map(point => ({
                key: point.start,
                label: periodLabel(point, interval),
                cells: [
                  point.value === null ? 'No data' : metric.format(point.value),
                  plural(point.n, metric.countNoun, metric.countNounPlural),
                ],
              }))}
            />
          </>
        )}
      </CardBody>
    </Card>
  );
};

/** A trend chart per metric, with a day / week / month switch. */
export const TrendCharts = ({
  scope,
  interval,
  onIntervalChange,
}: {
  scope: DoraScope;
  interval: DoraSeriesInterval;
  onIntervalChange: (interval: DoraSeriesInterval) => void;
}) => (
  <section aria-labelledby="dora-trends" className={styles.section}>
    <Flex justify="between" align="center" className={styles.sectionHeader}>
      <Text as="h2" id="dora-trends" variant="title-x-small">
        Trends
      </Text>
      <ToggleButtonGroup
        aria-label="Trend interval"
        selectionMode="single"
        disallowEmptySelection
        selectedKeys={[interval]}
        onSelectionChange={keys => {
          const [next] = [...keys];
          if (next) onIntervalChange(next as DoraSeriesInterval);
        }}
      >
        <ToggleButton id="day">Day</ToggleButton>
        <ToggleButton id="week">Week</ToggleButton>
        <ToggleButton id="month">Month</ToggleButton>
      </ToggleButtonGroup>
    </Flex>
    <div className={styles.trends}>
      {metricDefinitions.map(metric => (
        <TrendChart
          key={metric.name}
          metric={metric}
          scope={scope}
          interval={interval}
        />
      ))}
    </div>
  </section>
);
