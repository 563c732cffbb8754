import type {
  DoraBenchmark,
  DoraDeploymentFilter,
  DoraMetricName,
  DoraMetrics,
  DoraSeries,
} from '@paved/plugin-dora-common';
import { formatNumber, plural } from '@paved/portal-ui';
import { formatDuration, formatFrequency, formatRate } from './format';

export type MetricKind = 'frequency' | 'duration' | 'rate';

/** Everything the dashboards need to know about one DORA metric. */
export type MetricDefinition = {
  name: DoraMetricName;
  title: string;
  /** For narrow places such as table columns. */
  shortTitle: string;
  /** What the headline number is, for tooltips and the chart's label. */
  description: string;
  kind: MetricKind;
  lowerIsBetter: boolean;
  /** The deployments behind the number. */
  drillDown: DoraDeploymentFilter;
  drillDownTitle: string;
  /** The headline value: deployments per day, median seconds or a rate. */
  value(metrics: DoraMetrics): number | null;
  benchmark(metrics: DoraMetrics): DoraBenchmark;
  /** What the value was computed from, e.g. "5 of 42 deployments failed". */
  detail(metrics: DoraMetrics): string;
  format(value: number | null): string;
  /** A series point's value in the tile's unit. */
  pointValue(point: DoraSeries['points'][number]): number | null;
  /** What a series point's `n` counts. */
  countNoun: string;
  countNounPlural?: string;
};

const DAY_MS = 86_400_000;

const byKind: Record<MetricKind, (value: number | null) => string> = {
  frequency: formatFrequency,
  duration: formatDuration,
  rate: formatRate,
};

export const metricDefinitions: MetricDefinition[] = [
  {
    name: 'deploymentFrequency',
    title: 'Deployment frequency',
    shortTitle: 'Frequency',
    description: 'Successful deployments per day in the window',
    kind: 'frequency',
    lowerIsBetter: false,
    drillDown: 'all',
    drillDownTitle: 'All deployments',
    countNoun: 'deployment',
    value: m => m.deploymentFrequency.perDay,
    benchmark: m => m.deploymentFrequency.benchmark,
    detail: m => plural(m.deploymentFrequency.deployments, 'deployment'),
    format: byKind.frequency,
    // The series counts deployments per bucket; per day keeps a short last
    // bucket from looking like a drop, and matches the tile.
    pointValue: p => {
      const days = (Date.parse(p.end) - Date.parse(p.start)) / DAY_MS;
      return p.value === null || days <= 0 ? null : p.value / days;
    },
  },
  {
    name: 'changeLeadTime',
    title: 'Change lead time',
    shortTitle: 'Lead time',
    description:
      'Median time from a change being authored to its deployment to the environment',
    kind: 'duration',
    lowerIsBetter: true,
    drillDown: 'with-changes',
    drillDownTitle: 'Deployments that delivered changes',
    countNoun: 'change',
    value: m => m.changeLeadTime.p50,
    benchmark: m => m.changeLeadTime.benchmark,
    detail: m =>
      m.changeLeadTime.n > 0
        ? `median of ${plural(
            m.changeLeadTime.n,
            'change',
          )} · p90 ${formatDuration(m.changeLeadTime.p90)}`
        : 'No delivered changes with an authoring time',
    format: byKind.duration,
    pointValue: p => p.value,
  },
  {
    name: 'changeFailRate',
    title: 'Change fail rate',
    shortTitle: 'Fail rate',
    description:
      'Share of deployments (rollbacks excluded) that failed in the environment',
    kind: 'rate',
    lowerIsBetter: true,
    drillDown: 'failed',
    drillDownTitle: 'Failed deployments',
    countNoun: 'deployment',
    value: m => m.changeFailRate.rate,
    benchmark: m => m.changeFailRate.benchmark,
    detail: m =>
      `${m.changeFailRate.failed} of ${plural(
        m.changeFailRate.deployments,
        'deployment',
      )} failed`,
    format: byKind.rate,
    pointValue: p => p.value,
  },
  {
    name: 'failedDeploymentRecoveryTime',
    title: 'Failed deployment recovery time',
    shortTitle: 'Recovery',
    description: 'Median time from a failed deployment to its recovery',
    kind: 'duration',
    lowerIsBetter: true,
    drillDown: 'failed',
    drillDownTitle: 'Failed deployments and their recovery',
    countNoun: 'recovery',
    countNounPlural: 'recoveries',
    value: m => m.failedDeploymentRecoveryTime.p50,
    benchmark: m => m.failedDeploymentRecoveryTime.benchmark,
    detail: m =>
      m.failedDeploymentRecoveryTime.n > 0
        ? `median of ${plural(
            m.failedDeploymentRecoveryTime.n,
            'recovery',
            'recoveries',
          )}`
        : 'No recovered failures',
    format: byKind.duration,
    pointValue: p => p.value,
  },
  {
    name: 'deploymentReworkRate',
    title: 'Deployment rework rate',
    shortTitle: 'Rework',
    description:
      'Share of deployments that were unplanned: rollbacks, hotfixes, incident fixes',
    kind: 'rate',
    lowerIsBetter: true,
    drillDown: 'rework',
    drillDownTitle: 'Rework deployments',
    countNoun: 'deployment',
    value: m => m.deploymentReworkRate.rate,
    benchmark: m => m.deploymentReworkRate.benchmark,
    detail: m =>
      `${m.deploymentReworkRate.rework} of ${plural(
        m.deploymentReworkRate.deployments,
        'deployment',
      )}`,
    format: byKind.rate,
    pointValue: p => p.value,
  },
];

export function metricDefinition(name: DoraMetricName): MetricDefinition {
  return metricDefinitions.find(m => m.name === name)!;
}

export type MetricChange = {
  /** Whether the change is good news, bad news or neither. */
  tone: 'better' | 'worse' | 'neutral';
  direction: 'up' | 'down' | 'flat' | null;
  text: string;
};

function directionOf(delta: number, threshold: number) {
  if (Math.abs(delta) < threshold) return 'flat';
  return delta > 0 ? 'up' : 'down';
}

/**
 * The change of a metric against the previous window of the same length:
 * relative for frequencies and durations, in percentage points for rates.
 */
export function compareWithPrevious(
  metric: MetricDefinition,
  current: number | null,
  previous: number | null,
  windowDays: number,
): MetricChange {
  const against = `vs previous ${plural(windowDays, 'day')}`;
  if (current === null) {
    return { tone: 'neutral', direction: null, text: 'No data in this window' };
  }
  if (previous === null) {
    return {
      tone: 'neutral',
      direction: null,
      text: `No data in the previous ${plural(windowDays, 'day')}`,
    };
  }
  let text: string;
  let direction: MetricChange['direction'];
  if (metric.kind === 'rate') {
    const points = (current - previous) * 100;
    direction = directionOf(points, 0.5);
    text =
      direction === 'flat'
        ? `No change ${against}`
        : `${points > 0 ? '+' : '−'}${formatNumber(
            Math.abs(points),
          )} pts ${against}`;
  } else if (previous === 0) {
    direction = current > 0 ? 'up' : 'flat';
    text = current > 0 ? `Up from none ${against}` : `No change ${against}`;
  } else {
    const percent = ((current - previous) / previous) * 100;
    direction = directionOf(percent, 1);
    text =
      direction === 'flat'
        ? `No change ${against}`
        : `${percent > 0 ? '+' : '−'}${Math.round(
            Math.abs(percent),
          )}% ${against}`;
  }
  let tone: MetricChange['tone'] = 'neutral';
  if (direction === 'up') tone = metric.lowerIsBetter ? 'worse' : 'better';
  if (direction === 'down') tone = metric.lowerIsBetter ? 'better' : 'worse';
  return { tone, direction, text };
}
