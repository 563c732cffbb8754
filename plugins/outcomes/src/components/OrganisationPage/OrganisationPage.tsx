import { useMemo, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  Flex,
  Link,
  Select,
  Skeleton,
  Text,
} from '@backstage/ui';
import {
  RiArrowDownSLine,
  RiArrowUpSLine,
  RiDownloadLine,
} from '@remixicon/react';
import {
  CartesianGrid,
  LabelList,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
} from 'recharts';
import type { TeamOutcome } from '@paved/plugin-outcomes-common';
import {
  ChartDataTable,
  chartStyles,
  filterStyles,
  formatFrequency,
  formatMoney,
  formatRate,
  ReadError,
  resolveWindow,
  saveBlob,
  useSearchParamsUpdate,
  windowPresets,
} from '@paved/portal-ui';
import { outcomesApiRef } from '../../api';
import { entityPath } from '../../lib/links';
import {
  changeText,
  guardrails,
  headline,
  type MeasureDefinition,
} from '../../lib/measures';
import styles from './OrganisationPage.module.css';

type Column = MeasureDefinition & { better: 'lower' | 'higher' };

const columns: Column[] = [...headline, ...guardrails].map(d => ({
  ...d,
  better: d.id === 'deploymentFrequency' ? 'higher' : 'lower',
}));

const nameOf = (team: TeamOutcome) =>
  team.title ?? team.entityRef.replace(/^group:default\//, '');

type Sort = { column: string; descending: boolean };

/** Values first (best first when sorted the good way), teams without one last. */
function sortTeams(teams: TeamOutcome[], sort: Sort): TeamOutcome[] {
  const column = columns.find(c => c.id === sort.column);
  return [...teams].sort((a, b) => {
    if (!column) {
      const order = nameOf(a).localeCompare(nameOf(b));
      return sort.descending ? -order : order;
    }
    const va = column.pick(a).value;
    const vb = column.pick(b).value;
    if (va === null && vb === null) return nameOf(a).localeCompare(nameOf(b));
    if (va === null) return 1;
    if (vb === null) return -1;
    return sort.descending ? vb - va : va - vb;
  });
}

type Point = {
  name: string;
  frequency: number;
  failRate: number;
  cost: number;
};

/**
 * Splits the points into those named above their circle and those named
 * below: a team close to one already named above (on the map's log scale)
 * is named below, so two neighbours' names do not overprint.
 */
export function labelSides(points: Point[]): {
  above: Point[];
  below: Point[];
} {
  const above: Point[] = [];
  const below: Point[] = [];
  const near = (a: Point, b: Point) =>
    Math.abs(Math.log10(a.frequency) - Math.log10(b.frequency)) < 0.3 &&
    Math.abs(a.failRate - b.failRate) < 0.1;
  for (const point of [...points].sort((a, b) => a.frequency - b.frequency)) {
    (above.some(other => near(point, other)) ? below : above).push(point);
  }
  return { above, below };
}

const TeamMap = ({
  teams,
  currency,
}: {
  teams: TeamOutcome[];
  currency: string | null;
}) => {
  const points: Point[] = teams.flatMap(team => {
    const frequency = team.speed.deploymentFrequency.value;
    const failRate = team.stability.changeFailRate.value;
    if (frequency === null || failRate === null || frequency <= 0) return [];
    return [
      {
        name: nameOf(team),
        frequency,
        failRate,
        cost: team.cost.total.value ?? 0,
      },
    ];
  });
  const sides = labelSides(points);
  const money = (v: number) => (currency ? formatMoney(v, currency) : '—');
  // Deployments a day on a log scale with round ticks; fail rates with room
  // above and below for the teams' names and the corners' captions.
  const frequencies = points.map(p => p.frequency);
  const low = Math.min(...frequencies, 1) / 2;
  const high = Math.max(...frequencies, 1) * 2;
  const xTicks = [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100].filter(
    t => t >= low && t <= high,
  );
  const worst = Math.max(...points.map(p => p.failRate), 0.15);
  const yTicks = [0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9].filter(
    t => t <= worst + 0.05,
  );
  return (
    <Card aria-labelledby="outcomes-map-title">
      <CardHeader>
        <Text as="h2" id="outcomes-map-title" variant="title-x-small">
          Speed and stability, cost as size
        </Text>
        <Text as="p" variant="body-x-small" color="secondary">
          Right is more deployments a day, up is fewer failed deployments; the
          bigger the circle, the more the team's services cost.
        </Text>
      </CardHeader>
      <CardBody>
        <div className={`${chartStyles.chart} ${styles.chartWrap}`} aria-hidden>
          <span className={`${styles.quadrant} ${styles.topLeft}`}>
            Stable but slow
          </span>
          <span className={`${styles.quadrant} ${styles.topRight}`}>
            Fast and stable
          </span>
          <span className={`${styles.quadrant} ${styles.bottomLeft}`}>
            Slow and failing
          </span>
          <span className={`${styles.quadrant} ${styles.bottomRight}`}>
            Fast but failing
          </span>
          <ResponsiveContainer width="100%" height={340}>
            <ScatterChart margin={{ top: 24, right: 32, bottom: 8, left: 8 }}>
              <CartesianGrid />
              <XAxis
                type="number"
                dataKey="frequency"
                name="Deployments a day"
                scale="log"
                domain={[low, high]}
                ticks={xTicks}
                tickFormatter={v => formatFrequency(v)}
                fontSize={11}
              />
              <YAxis
                type="number"
                dataKey="failRate"
                name="Change fail rate"
                reversed
                domain={[-0.06, worst + 0.1]}
                ticks={yTicks}
                tickFormatter={v => formatRate(v)}
                width={56}
                fontSize={11}
              />
              <ZAxis type="number" dataKey="cost" range={[60, 900]} />
              <Tooltip
                isAnimationActive={false}
                content={({ active, payload }) => {
                  const point = active
                    ? (payload?.[0]?.payload as Point | undefined)
                    : undefined;
                  if (!point) return null;
                  return (
                    <div className={chartStyles.chartTooltip}>
                      <div className={chartStyles.chartTooltipValue}>
                        {point.name}
                      </div>
                      <div>{formatFrequency(point.frequency)}</div>
                      <div>{formatRate(point.failRate)} failed</div>
                      <div>{money(point.cost)}</div>
                    </div>
                  );
                }}
              />
              <Scatter data={sides.above} isAnimationActive={false}>
                <LabelList dataKey="name" position="top" offset={10} />
              </Scatter>
              <Scatter data={sides.below} isAnimationActive={false}>
                <LabelList dataKey="name" position="bottom" offset={10} />
              </Scatter>
            </ScatterChart>
          </ResponsiveContainer>
        </div>
        <ChartDataTable
          caption="Teams by speed, stability and cost"
          columns={['Team', 'Deployment frequency', 'Change fail rate', 'Cost']}
          rows={points.map(p => ({
            key: p.name,
            label: p.name,
            cells: [
              formatFrequency(p.frequency),
              formatRate(p.failRate),
              money(p.cost),
            ],
          }))}
        />
      </CardBody>
    </Card>
  );
};

const TeamTable = ({
  teams,
  currency,
  windowDays,
  query,
}: {
  teams: TeamOutcome[];
  currency: string | null;
  windowDays: number;
  query: string;
}) => {
  const [sort, setSort] = useState<Sort>({ column: 'team', descending: false });
  const sorted = useMemo(() => sortTeams(teams, sort), [teams, sort]);
  const header = (id: string, title: string, better?: 'lower' | 'higher') => {
    const active = sort.column === id;
    // The first click sorts the good way round: best first.
    const next = () =>
      setSort(
        active
          ? { column: id, descending: !sort.descending }
          : { column: id, descending: better === 'higher' },
      );
    let ariaSort: 'ascending' | 'descending' | 'none' = 'none';
    if (active) ariaSort = sort.descending ? 'descending' : 'ascending';
    return (
      <th key={id} scope="col" aria-sort={ariaSort}>
        <button type="button" className={styles.sort} onClick={next}>
          {title}
          {active && sort.descending && (
            <RiArrowDownSLine size={14} aria-hidden />
          )}
          {active && !sort.descending && (
            <RiArrowUpSLine size={14} aria-hidden />
          )}
        </button>
      </th>
    );
  };
  return (
    <Card aria-labelledby="outcomes-teams-title">
      <CardHeader>
        <Text as="h2" id="outcomes-teams-title" variant="title-x-small">
          Every team
        </Text>
        <Text as="p" variant="body-x-small" color="secondary">
          Each number against the previous {windowDays} days, with the signals
          under each team's name; click a column to sort by it.
        </Text>
      </CardHeader>
      <CardBody>
        <div className={styles.tableWrap}>
          <table
            className={styles.table}
            aria-labelledby="outcomes-teams-title"
          >
            <thead>
              <tr>
                {header('team', 'Team')}
                {columns.map(c => header(c.id, c.title, c.better))}
              </tr>
            </thead>
            <tbody>
              {sorted.map(team => {
                return (
                  <tr key={team.entityRef}>
                    <th scope="row">
                      <Link
                        href={`${entityPath(team.entityRef)}/outcomes${query}`}
                      >
                        {nameOf(team)}
                      </Link>
                      {team.signals.map(signal => (
                        <span
                          key={signal.title}
                          className={styles.signal}
                          data-tone={signal.tone}
                        >
                          {signal.title}
                        </span>
                      ))}
                    </th>
                    {columns.map(c => {
                      const measure = c.pick(team);
                      const change = changeText(c, measure, windowDays);
                      return (
                        <td key={c.id}>
                          <span className={styles.value}>
                            {c.format(measure.value, currency)}
                          </span>
                          {change.direction !== 'none' && (
                            <span
                              className={styles.delta}
                              data-tone={change.tone}
                            >
                              {change.text.replace(
                                / vs previous \d+ days$/,
                                '',
                              )}
                              {measure.band ? ` · ${measure.band}` : ''}
                            </span>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </CardBody>
    </Card>
  );
};

/**
 * The organisation's outcomes for leadership: every team's speed,
 * stability and cost in one sortable table, and a map of the teams by speed
 * and stability with cost as size.
 */
export const OrganisationPage = () => {
  const api = useApi(outcomesApiRef);
  const [params, update] = useSearchParamsUpdate<'window'>();
  const [now] = useState(() => new Date());
  const requested = params.get('window');
  const preset = windowPresets.some(p => p.id === requested)
    ? requested!
    : windowPresets[0].id;
  const window = useMemo(
    () => resolveWindow({ preset }, now, { maxDays: 366 }),
    [preset, now],
  );
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      api.getTeamOutcomes({
        from: window.from,
        to: window.to,
        environment: 'production',
      }),
    [api, window.from, window.to],
  );
  const [download, downloadCsv] = useAsyncFn(async () => {
    const blob = await api.exportTeamsCsv({
      from: window.from,
      to: window.to,
      environment: 'production',
    });
    saveBlob(blob, `outcomes-teams-${window.from}-${window.to}.csv`);
  }, [api, window.from, window.to]);
  const query = preset === windowPresets[0].id ? '' : `?window=${preset}`;
  return (
    <Flex direction="column" gap="5" className={styles.page}>
      <div>
        <Text as="h1" variant="title-medium">
          Outcomes
        </Text>
        <Text as="p" color="secondary">
          How fast, how safely and at what cost every team ships — production,
          compared with the previous {window.days} days.
        </Text>
      </div>
      <div className={filterStyles.filters}>
        <Select
          label="Window"
          className={filterStyles.select}
          selectedKey={preset}
          onSelectionChange={key => update({ window: String(key) })}
          options={windowPresets.map(p => ({ id: p.id, label: p.label }))}
        />
        <div className={styles.download}>
          <Button
            variant="secondary"
            iconStart={<RiDownloadLine aria-hidden />}
            isPending={download.loading}
            isDisabled={!value || value.teams.length === 0}
            onPress={() => downloadCsv()}
          >
            Download CSV
          </Button>
        </div>
      </div>
      {download.error && (
        <Alert
          status="danger"
          title="Could not download the CSV"
          description={download.error.message}
        />
      )}
      {loading && <Skeleton width="100%" height={420} />}
      {error && (
        <ReadError
          title="Could not load the teams' outcomes"
          error={error}
          onRetry={retry}
        />
      )}
      {value && !loading && value.teams.length === 0 && (
        <Text as="p">
          No teams to show: the catalog has no groups of type team that you can
          see.
        </Text>
      )}
      {value && !loading && value.teams.length > 0 && (
        <>
          <TeamMap teams={value.teams} currency={value.currency} />
          <TeamTable
            teams={value.teams}
            currency={value.currency}
            windowDays={window.days}
            query={query}
          />
          {value.truncated && (
            <Text as="p" variant="body-small" color="secondary">
              Only the first 500 teams are shown.
            </Text>
          )}
        </>
      )}
    </Flex>
  );
};
