import type { Measure, TeamOutcomes } from '@paved/plugin-outcomes-common';
import { toCsv, type CsvCell } from '@paved/csv-export';

/**
 * The numbers of a team row, in the table's order, with the unit each
 * column is written in (durations in hours, frequency per day, rates as
 * fractions 0..1, money in the answer's currency).
 */
const MEASURES: Array<{
  name: string;
  /** Appended to the value columns' names. */
  unit?: string;
  pick: (row: TeamOutcomes['teams'][number]) => Measure;
  scale?: number;
  banded?: boolean;
}> = [
  {
    name: 'change_lead_time',
    unit: 'hours',
    pick: r => r.speed.changeLeadTime,
    scale: 1 / 3600,
    banded: true,
  },
  {
    name: 'deployments',
    unit: 'per_day',
    pick: r => r.speed.deploymentFrequency,
    banded: true,
  },
  {
    name: 'recovery_time',
    unit: 'hours',
    pick: r => r.speed.failedDeploymentRecoveryTime,
    scale: 1 / 3600,
    banded: true,
  },
  {
    name: 'change_fail_rate',
    pick: r => r.stability.changeFailRate,
    banded: true,
  },
  {
    name: 'rework_rate',
    pick: r => r.stability.deploymentReworkRate,
    banded: true,
  },
  { name: 'cost', pick: r => r.cost.total },
  { name: 'cost_per_deployment', pick: r => r.cost.perDeployment },
  { name: 'cost_per_change', pick: r => r.cost.perChange },
  { name: 'cost_per_request', pick: r => r.cost.perRequest },
];

/** Six significant digits: what a spreadsheet needs, without float noise. */
function rounded(value: number | null, scale = 1): number | null {
  return value === null ? null : Number((value * scale).toPrecision(6));
}

/**
 * The organisation table as CSV: one line per team, each number with the
 * previous window's value, the relative change and (for the DORA numbers)
 * the band, then the rules of the signals that fired. A number the caller
 * may not see is empty, as in the JSON.
 */
export function teamOutcomesCsv(outcomes: TeamOutcomes): string {
  const columns = [
    'team',
    'title',
    'window_from',
    'window_to',
    'environment',
    'currency',
    ...MEASURES.flatMap(m => {
      const value = m.unit ? `${m.name}_${m.unit}` : m.name;
      return [
        value,
        `${value}_previous`,
        `${m.name}_change`,
        ...(m.banded ? [`${m.name}_band`] : []),
      ];
    }),
    'signals',
  ];
  const rows = outcomes.teams.map((team): CsvCell[] => [
    team.entityRef,
    team.title,
    outcomes.window.from,
    outcomes.window.to,
    outcomes.environment,
    outcomes.currency,
    ...MEASURES.flatMap(m => {
      const measure = m.pick(team);
      return [
        rounded(measure.value, m.scale),
        rounded(measure.previous, m.scale),
        rounded(measure.change),
        ...(m.banded ? [measure.band ?? null] : []),
      ];
    }),
    team.signals.map(s => s.rule).join('; '),
  ]);
  return toCsv(columns, rows);
}
