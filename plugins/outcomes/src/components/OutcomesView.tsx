import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Card,
  CardBody,
  CardHeader,
  Flex,
  Link,
  Skeleton,
  Text,
  VisuallyHidden,
} from '@backstage/ui';
import {
  RiArrowDownLine,
  RiArrowUpLine,
  RiCheckboxCircleLine,
  RiErrorWarningLine,
  RiSubtractLine,
} from '@remixicon/react';
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
import type { Outcomes, Signal, Week } from '@paved/plugin-outcomes-common';
import {
  ChartDataTable,
  chartStyles,
  formatDay,
  formatDuration,
  formatMoney,
  formatRate,
  formatShortDay,
  ReadError,
  type DayWindow,
} from '@paved/portal-ui';
import { outcomesApiRef, type OutcomesScope } from '../api';
import { drillDownHref } from '../lib/links';
import {
  changeText,
  guardrails,
  headline,
  unitEconomics,
  type MeasureDefinition,
} from '../lib/measures';
import styles from './OutcomesView.module.css';

const bandNames = {
  elite: 'Elite',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
} as const;

const MeasureTile = ({
  definition,
  outcomes,
  windowDays,
  guardrail,
}: {
  definition: MeasureDefinition;
  outcomes: Outcomes;
  windowDays: number;
  guardrail?: boolean;
}) => {
  const measure = definition.pick(outcomes);
  const change = changeText(definition, measure, windowDays);
  const titleId = `outcomes-tile-${definition.id}`;
  let arrow = null;
  if (change.direction === 'up')
    arrow = <RiArrowUpLine size={14} aria-hidden />;
  if (change.direction === 'down') {
    arrow = <RiArrowDownLine size={14} aria-hidden />;
  }
  if (change.direction === 'flat') {
    arrow = <RiSubtractLine size={14} aria-hidden />;
  }
  return (
    <Card
      className={`${styles.tile} ${guardrail ? styles.guardrail : ''}`}
      aria-labelledby={titleId}
      data-measure={definition.id}
      title={definition.description}
    >
      <Text
        as="h3"
        id={titleId}
        variant="body-small"
        weight="bold"
        color="secondary"
        className={styles.tileTitle}
      >
        {definition.title}
      </Text>
      <Text as="p" variant="title-small" className={styles.tileValue}>
        {definition.format(measure.value, outcomes.currency)}
      </Text>
      <span className={styles.change} data-tone={change.tone}>
        {arrow}
        <span>{change.text}</span>
        {change.tone !== 'neutral' && (
          <VisuallyHidden>
            ({change.tone === 'positive' ? 'better' : 'worse'})
          </VisuallyHidden>
        )}
      </span>
      {measure.band && (
        <span className={styles.band}>
          {bandNames[measure.band]} · DORA 2024
        </span>
      )}
    </Card>
  );
};

function linkText(signal: Signal): string {
  if (signal.rule === 'silent-service') return 'Open its Delivery tab';
  if (signal.drillDown.view === 'cost') return 'See the cost behind it';
  return 'See the deployments behind it';
}

/** A titled row of tiles. */
const TileSection = ({
  id,
  title,
  definitions,
  outcomes,
  windowDays,
  guardrail,
}: {
  id: string;
  title: string;
  definitions: MeasureDefinition[];
  outcomes: Outcomes;
  windowDays: number;
  guardrail?: boolean;
}) => (
  <section className={styles.section} aria-labelledby={id}>
    <Text as="h2" id={id} variant="title-x-small">
      {title}
    </Text>
    <div className={styles.tiles}>
      {definitions.map(d => (
        <MeasureTile
          key={d.id}
          definition={d}
          outcomes={outcomes}
          windowDays={windowDays}
          guardrail={guardrail}
        />
      ))}
    </div>
  </section>
);

const SignalItem = ({
  signal,
  window,
  environment,
}: {
  signal: Signal;
  window: DayWindow;
  environment: string;
}) => {
  const href = drillDownHref(signal.drillDown, window, environment);
  const Icon =
    signal.tone === 'warning' ? RiErrorWarningLine : RiCheckboxCircleLine;
  return (
    <li
      className={styles.signal}
      data-tone={signal.tone}
      data-rule={signal.rule}
    >
      <Icon
        size={20}
        className={styles.signalIcon}
        data-tone={signal.tone}
        aria-hidden
      />
      <div>
        <Text as="h3" variant="body-medium" weight="bold">
          <VisuallyHidden>
            {signal.tone === 'warning' ? 'Warning: ' : 'Improvement: '}
          </VisuallyHidden>
          {signal.title}
        </Text>
        <Text as="p" variant="body-small">
          {signal.message}
        </Text>
        <dl className={styles.evidence}>
          {signal.evidence.map(e => (
            <div key={e.label} style={{ display: 'contents' }}>
              <dt>{e.label}</dt>
              <dd>{e.value}</dd>
            </div>
          ))}
        </dl>
        <Flex gap="3" align="center">
          {href && (
            <Link href={href} className={styles.link}>
              {linkText(signal)}
            </Link>
          )}
          <span className={styles.rule}>rule: {signal.rule}</span>
        </Flex>
      </div>
    </li>
  );
};

function weekLabel(week: Week) {
  const lastDay = new Date(Date.parse(`${week.end}T00:00:00Z`) - 86_400_000);
  return `${formatShortDay(week.start)} – ${formatShortDay(lastDay)}`;
}

const WeekChart = ({
  title,
  weeks,
  series,
  format,
  kind,
  className,
  showAxis,
}: {
  title: string;
  weeks: Week[];
  series: Array<{ key: keyof Week; label: string }>;
  format: (value: number) => string;
  kind: 'bar' | 'line';
  className: string;
  showAxis?: boolean;
}) => (
  <div>
    <Text
      as="h4"
      variant="body-x-small"
      weight="bold"
      className={styles.chartTitle}
    >
      {title}
    </Text>
    <div
      className={`${chartStyles.chart} ${className} ${styles.bars}`}
      aria-hidden
    >
      <ResponsiveContainer width="100%" height={showAxis ? 96 : 76}>
        <ComposedChart
          data={weeks}
          syncId="outcomes-weeks"
          margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
        >
          <CartesianGrid vertical={false} />
          <XAxis
            dataKey="start"
            tickFormatter={formatShortDay}
            hide={!showAxis}
            tickLine={false}
            fontSize={11}
          />
          <YAxis
            width={72}
            tickCount={3}
            tickFormatter={format}
            tickLine={false}
            axisLine={false}
            fontSize={11}
          />
          <Tooltip
            isAnimationActive={false}
            content={({ active, payload }) => {
              const week = active
                ? (payload?.[0]?.payload as Week | undefined)
                : undefined;
              if (!week) return null;
              return (
                <div className={chartStyles.chartTooltip}>
                  <div>{weekLabel(week)}</div>
                  {series.map(s => {
                    const value = week[s.key] as number | null;
                    return (
                      <div
                        key={s.key}
                        className={chartStyles.chartTooltipValue}
                      >
                        {s.label}: {value === null ? 'no data' : format(value)}
                      </div>
                    );
                  })}
                </div>
              );
            }}
          />
          {series.map((s, i) =>
            kind === 'bar' ? (
              <Bar
                key={s.key}
                dataKey={s.key}
                radius={[2, 2, 0, 0]}
                isAnimationActive={false}
              />
            ) : (
              <Line
                key={s.key}
                dataKey={s.key}
                className={i > 0 ? styles.secondLine : undefined}
                strokeWidth={2}
                dot={{ r: 2.5 }}
                connectNulls={false}
                isAnimationActive={false}
              />
            ),
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  </div>
);

const WeeksCard = ({ outcomes }: { outcomes: Outcomes }) => {
  const money = (value: number) =>
    outcomes.currency ? formatMoney(value, outcomes.currency) : String(value);
  const hasCost = outcomes.weeks.some(w => w.cost !== null);
  return (
    <Card aria-labelledby="outcomes-weeks-title">
      <CardHeader>
        <Text as="h2" id="outcomes-weeks-title" variant="title-x-small">
          Week by week
        </Text>
        <Text as="p" variant="body-x-small" color="secondary">
          Speed, stability and cost on the same weeks
        </Text>
      </CardHeader>
      <CardBody>
        <div className={styles.charts}>
          <WeekChart
            title="Deployments"
            weeks={outcomes.weeks}
            series={[{ key: 'deployments', label: 'Deployments' }]}
            format={v => String(Math.round(v))}
            kind="bar"
            className={styles.speedSeries}
          />
          <WeekChart
            title="Change lead time (median)"
            weeks={outcomes.weeks}
            series={[{ key: 'changeLeadTime', label: 'Lead time' }]}
            format={formatDuration}
            kind="line"
            className={styles.speedSeries}
          />
          <WeekChart
            title="Change fail rate (solid) and rework rate (dashed)"
            weeks={outcomes.weeks}
            series={[
              { key: 'changeFailRate', label: 'Change fail rate' },
              { key: 'deploymentReworkRate', label: 'Rework rate' },
            ]}
            format={formatRate}
            kind="line"
            className={styles.stabilitySeries}
          />
          {hasCost && (
            <WeekChart
              title="Cost"
              weeks={outcomes.weeks}
              series={[{ key: 'cost', label: 'Cost' }]}
              format={money}
              kind="bar"
              className={styles.costSeries}
              showAxis
            />
          )}
        </div>
        <ChartDataTable
          caption="Speed, stability and cost per week"
          columns={[
            'Week',
            'Deployments',
            'Change lead time',
            'Change fail rate',
            'Rework rate',
            'Recovery time',
            'Cost',
          ]}
          rows={outcomes.weeks.map(week => ({
            key: week.start,
            label: weekLabel(week),
            cells: [
              week.deployments ?? 'No data',
              formatDuration(week.changeLeadTime),
              formatRate(week.changeFailRate),
              formatRate(week.deploymentReworkRate),
              formatDuration(week.failedDeploymentRecoveryTime),
              week.cost === null ? 'Not shown' : money(week.cost),
            ],
          }))}
        />
      </CardBody>
    </Card>
  );
};

export const OutcomesSkeleton = () => (
  <Flex
    direction="column"
    gap="4"
    role="status"
    aria-busy="true"
    aria-label="Loading outcomes"
  >
    <div className={styles.tiles}>
      {[...headline, ...guardrails].map(d => (
        <Skeleton key={d.id} width="100%" height={118} />
      ))}
    </div>
    <Skeleton width="100%" height={320} />
  </Flex>
);

/**
 * Speed, stability and cost of a scope on one page: the four headline
 * numbers beside the two guardrails, what delivery costs, the weeks on one
 * axis and the signals, each linking to the evidence.
 */
export const OutcomesView = ({
  scope,
  windowDays,
}: {
  scope: OutcomesScope;
  windowDays: number;
}) => {
  const api = useApi(outcomesApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getOutcomes(scope),
    [api, scope.entityRef, scope.from, scope.to, scope.environment],
  );
  const window = useMemo(
    () => ({ from: scope.from, to: scope.to }),
    [scope.from, scope.to],
  );

  if (loading) return <OutcomesSkeleton />;
  if (error) {
    return (
      <ReadError
        title="Could not load outcomes"
        error={error}
        onRetry={retry}
      />
    );
  }
  if (!value) return null;
  const warnings = value.signals.filter(s => s.tone === 'warning').length;

  return (
    <Flex direction="column" gap="5" className={styles.view}>
      {value.unavailable.map(u => (
        <Text
          key={u.stream}
          as="p"
          variant="body-small"
          color="secondary"
          role="note"
        >
          {u.stream === 'cost' ? 'Cost is' : 'Delivery numbers are'} not shown:{' '}
          {u.reason}.
        </Text>
      ))}
      <div className={styles.row}>
        <TileSection
          id="outcomes-headline"
          title="Speed and cost"
          definitions={headline}
          outcomes={value}
          windowDays={windowDays}
        />
        <TileSection
          id="outcomes-guardrails"
          title="Guardrails"
          definitions={guardrails}
          outcomes={value}
          windowDays={windowDays}
          guardrail
        />
      </div>
      <div className={styles.row}>
        <WeeksCard outcomes={value} />
        <Card aria-labelledby="outcomes-signals-title">
          <CardHeader>
            <Text as="h2" id="outcomes-signals-title" variant="title-x-small">
              Signals
            </Text>
            <Text as="p" variant="body-x-small" color="secondary">
              {value.signals.length === 0
                ? 'Nothing moved beyond the thresholds since the previous window.'
                : `${warnings} to look at, ${
                    value.signals.length - warnings
                  } going well · ${formatDay(
                    value.previousWindow.from,
                  )} – ${formatDay(
                    new Date(Date.parse(`${value.window.to}T00:00:00Z`) - 1),
                  )}`}
            </Text>
          </CardHeader>
          <CardBody>
            <ul className={styles.signals}>
              {value.signals.map((signal, i) => (
                <SignalItem
                  key={`${signal.rule}-${signal.drillDown.entityRef}-${i}`}
                  signal={signal}
                  window={window}
                  environment={value.environment}
                />
              ))}
            </ul>
          </CardBody>
        </Card>
      </div>
      <TileSection
        id="outcomes-unit"
        title="What delivery costs"
        definitions={unitEconomics}
        outcomes={value}
        windowDays={windowDays}
      />
    </Flex>
  );
};
