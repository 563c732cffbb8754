import {
  Area,
  AreaChart,
  CartesianGrid,
  ResponsiveContainer,
  XAxis,
  YAxis,
} from 'recharts';
import {
  ChartDataTable,
  chartStyles,
  countAxisProps,
  dayAxisProps,
  formatDay,
} from '@paved/portal-ui';
import type {
  ScorecardDefinitions,
  ScorecardRollup,
} from '@paved/plugin-scorecards-common';
import styles from './scorecard.module.css';

/** The key of a level in a chart point and its colour; null is "no level". */
const keyOf = (level: string | null) => level ?? 'none';

/**
 * How many components were at each level, day by day: areas stacked from
 * "no level" at the bottom to the highest level at the top, a legend in
 * the same colours, and the numbers in a table for screen readers.
 */
export const LevelHistory = ({
  history,
  definitions,
}: {
  history: ScorecardRollup['history'];
  definitions: ScorecardDefinitions;
}) => {
  const series: Array<{ level: string | null; title: string; tone: number }> = [
    { level: null, title: 'No level', tone: 0 },
    ...definitions.levels.map((l, i) => ({
      level: l.id,
      title: l.title,
      // Colours run out after four levels; the highest keep the last.
      tone: Math.min(i + 1, 4),
    })),
  ];
  const data = history.map(point => ({
    day: point.day,
    ...Object.fromEntries(
      point.levels.map(l => [keyOf(l.level), l.components]),
    ),
  }));
  const countOf = (point: (typeof history)[number], level: string | null) =>
    point.levels.find(l => l.level === level)?.components ?? 0;
  const highestFirst = [...series].reverse();
  return (
    <div className={styles.levelTones}>
      <div className={chartStyles.chart} aria-hidden>
        <ResponsiveContainer width="100%" height={180}>
          <AreaChart
            data={data}
            margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
          >
            <CartesianGrid vertical={false} />
            <XAxis dataKey="day" {...dayAxisProps} />
            <YAxis {...countAxisProps} />
            {series.map(s => (
              <Area
                key={keyOf(s.level)}
                dataKey={keyOf(s.level)}
                stackId="levels"
                type="stepAfter"
                className={`level-tone-${s.tone}`}
                isAnimationActive={false}
              />
            ))}
          </AreaChart>
        </ResponsiveContainer>
      </div>
      <ul className={chartStyles.legend} aria-hidden>
        {highestFirst.map(s => (
          <li key={keyOf(s.level)}>
            <span
              className={`${chartStyles.swatch} ${styles.swatch}`}
              data-tone={s.tone}
            />
            {s.title}
          </li>
        ))}
      </ul>
      <ChartDataTable
        caption="Components at each level per day"
        columns={['Day', ...highestFirst.map(s => s.title)]}
        rows={history.map(point => ({
          key: point.day,
          label: formatDay(point.day),
          cells: highestFirst.map(s => countOf(point, s.level)),
        }))}
      />
    </div>
  );
};
