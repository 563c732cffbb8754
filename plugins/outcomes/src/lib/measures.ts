import type {
  DrillDown,
  Measure,
  Outcomes,
} from '@paved/plugin-outcomes-common';
import {
  formatDuration,
  formatFrequency,
  formatMoney,
  formatNumber,
  formatRate,
} from '@paved/portal-ui';

/** One number of the outcomes page: where it is in the answer and how it reads. */
export type MeasureDefinition = {
  id: string;
  title: string;
  description: string;
  pick: (outcomes: Pick<Outcomes, 'speed' | 'stability' | 'cost'>) => Measure;
  format: (value: number | null, currency: string | null) => string;
  /** Rates change by points; everything else by percent. */
  rate?: boolean;
  /** Where its evidence is. */
  drillDown: Omit<DrillDown, 'entityRef'>;
};

const money = (value: number | null, currency: string | null) =>
  value === null || !currency ? '—' : formatMoney(value, currency);

/** The four numbers a board asks for. */
export const headline: MeasureDefinition[] = [
  {
    id: 'changeLeadTime',
    title: 'Change lead time',
    description: 'Median time from a commit to running in production',
    pick: o => o.speed.changeLeadTime,
    format: formatDuration,
    drillDown: { view: 'delivery', metric: 'changeLeadTime' },
  },
  {
    id: 'deploymentFrequency',
    title: 'Deployment frequency',
    description: 'Deployments to production',
    pick: o => o.speed.deploymentFrequency,
    format: formatFrequency,
    drillDown: { view: 'delivery', metric: 'deploymentFrequency' },
  },
  {
    id: 'failedDeploymentRecoveryTime',
    title: 'Recovery time',
    description: 'Median time to recover from a failed deployment',
    pick: o => o.speed.failedDeploymentRecoveryTime,
    format: formatDuration,
    drillDown: { view: 'delivery', metric: 'failedDeploymentRecoveryTime' },
  },
  {
    id: 'cost',
    title: 'Cost',
    description: 'Cost allocated in the window (Kubernetes and cloud billing)',
    pick: o => o.cost.total,
    format: money,
    drillDown: { view: 'cost' },
  },
];

/** The two numbers that keep speed honest. */
export const guardrails: MeasureDefinition[] = [
  {
    id: 'changeFailRate',
    title: 'Change fail rate',
    description: 'Share of deployments that caused a failure',
    pick: o => o.stability.changeFailRate,
    format: formatRate,
    rate: true,
    drillDown: { view: 'delivery', metric: 'changeFailRate' },
  },
  {
    id: 'deploymentReworkRate',
    title: 'Rework rate',
    description: 'Share of deployments that were unplanned fixes or rollbacks',
    pick: o => o.stability.deploymentReworkRate,
    format: formatRate,
    rate: true,
    drillDown: { view: 'delivery', metric: 'deploymentReworkRate' },
  },
];

/** Unit economics: what delivery costs. */
export const unitEconomics: MeasureDefinition[] = [
  {
    id: 'perDeployment',
    title: 'Cost per deployment',
    description: 'Cost divided by deployments',
    pick: o => o.cost.perDeployment,
    format: money,
    drillDown: { view: 'cost' },
  },
  {
    id: 'perChange',
    title: 'Cost per change',
    description: 'Cost divided by changes delivered',
    pick: o => o.cost.perChange,
    format: money,
    drillDown: { view: 'cost' },
  },
  {
    id: 'perRequest',
    title: 'Cost per request',
    description: 'Request-weighted cost per request served',
    pick: o => o.cost.perRequest,
    format: money,
    drillDown: { view: 'cost' },
  },
];

export type ChangeText = {
  text: string;
  tone: 'positive' | 'negative' | 'neutral';
  direction: 'up' | 'down' | 'flat' | 'none';
};

const tones = {
  better: 'positive',
  worse: 'negative',
  steady: 'neutral',
} as const;

/** "−32% vs previous 30 days" (or "+4 pts" for rates), toned by the verdict. */
export function changeText(
  definition: MeasureDefinition,
  measure: Measure,
  windowDays: number,
): ChangeText {
  const against = `vs previous ${windowDays} days`;
  if (measure.value === null || measure.previous === null) {
    return {
      text:
        measure.value === null
          ? 'No data'
          : `No data for the previous ${windowDays} days`,
      tone: 'neutral',
      direction: 'none',
    };
  }
  const delta = measure.value - measure.previous;
  const tone = tones[measure.verdict ?? 'steady'];
  let direction: ChangeText['direction'] = 'flat';
  let sign = '±';
  if (delta > 0) {
    direction = 'up';
    sign = '+';
  }
  if (delta < 0) {
    direction = 'down';
    sign = '−';
  }
  if (definition.rate) {
    return {
      text: `${sign}${formatNumber(Math.abs(delta) * 100)} pts ${against}`,
      tone,
      direction,
    };
  }
  if (measure.change === null) {
    return {
      text: `from ${definition.format(measure.previous, null)}`,
      tone,
      direction,
    };
  }
  return {
    text: `${sign}${formatNumber(Math.abs(measure.change) * 100)}% ${against}`,
    tone,
    direction,
  };
}
