import { Card, Skeleton, Text, VisuallyHidden } from '@backstage/ui';
import {
  RiArrowDownLine,
  RiArrowUpLine,
  RiSubtractLine,
} from '@remixicon/react';
import type { DoraMetrics } from '@paved/plugin-dora-common';
import {
  compareWithPrevious,
  metricDefinitions,
  type MetricChange,
  type MetricDefinition,
} from '../../lib/metrics';
import { BenchmarkChip } from './BenchmarkChip';
import styles from './dashboard.module.css';

/** "+12% vs previous 30 days", green when better, red when worse. */
export const ChangeLine = ({ change }: { change: MetricChange }) => {
  let icon = null;
  if (change.direction === 'up') icon = <RiArrowUpLine size={14} aria-hidden />;
  if (change.direction === 'down') {
    icon = <RiArrowDownLine size={14} aria-hidden />;
  }
  if (change.direction === 'flat') {
    icon = <RiSubtractLine size={14} aria-hidden />;
  }
  return (
    <span className={styles.change} data-tone={change.tone}>
      {icon}
      <span>{change.text}</span>
      {change.tone !== 'neutral' && (
        <VisuallyHidden>({change.tone})</VisuallyHidden>
      )}
    </span>
  );
};

const MetricTile = ({
  metric,
  current,
  previous,
  windowDays,
  onOpen,
}: {
  metric: MetricDefinition;
  current: DoraMetrics;
  previous: DoraMetrics;
  windowDays: number;
  onOpen?: (metric: MetricDefinition) => void;
}) => {
  const value = metric.value(current);
  const change = compareWithPrevious(
    metric,
    value,
    metric.value(previous),
    windowDays,
  );
  const titleId = `dora-tile-${metric.name}`;
  const body = (
    <>
      <Text
        as="h3"
        id={titleId}
        variant="body-small"
        weight="bold"
        color="secondary"
        className={styles.tileTitle}
      >
        {metric.title}
      </Text>
      <Text as="p" variant="title-medium" className={styles.tileValue}>
        {metric.format(value)}
      </Text>
      <ChangeLine change={change} />
      <div className={styles.tileFooter}>
        <BenchmarkChip benchmark={metric.benchmark(current)} />
        <Text as="p" variant="body-x-small" color="secondary">
          {metric.detail(current)}
        </Text>
      </div>
    </>
  );
  if (!onOpen) {
    return (
      <Card
        className={styles.tile}
        aria-labelledby={titleId}
        data-metric={metric.name}
      >
        {body}
      </Card>
    );
  }
  return (
    <Card
      className={styles.tile}
      aria-labelledby={titleId}
      data-metric={metric.name}
      onPress={() => onOpen(metric)}
      label={`Show the deployments behind ${metric.title.toLocaleLowerCase(
        'en-US',
      )}`}
      title={`${metric.description}. Click to see the deployments behind it.`}
    >
      {body}
    </Card>
  );
};

/** The five DORA metrics of a scope, each against the previous window. */
export const MetricTiles = ({
  current,
  previous,
  windowDays,
  onOpen,
}: {
  current: DoraMetrics;
  previous: DoraMetrics;
  windowDays: number;
  onOpen?: (metric: MetricDefinition) => void;
}) => (
  <div className={styles.tiles}>
    {metricDefinitions.map(metric => (
      <MetricTile
        key={metric.name}
        metric={metric}
        current={current}
        previous={previous}
        windowDays={windowDays}
        onOpen={onOpen}
      />
    ))}
  </div>
);

export const MetricTilesSkeleton = () => (
  <div
    className={styles.tiles}
    role="status"
    aria-busy="true"
    aria-label="Loading metrics"
  >
    {metricDefinitions.map(metric => (
      <Skeleton key={metric.name} width="100%" height={148} />
    ))}
  </div>
);
