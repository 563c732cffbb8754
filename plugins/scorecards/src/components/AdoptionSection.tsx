import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import { Card, CardBody, CardHeader, Flex, Grid, Text } from '@backstage/ui';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  XAxis,
  YAxis,
} from 'recharts';
import {
  ChartDataTable,
  chartStyles,
  formatDay,
  countAxisProps,
  dayAxisProps,
  plural,
} from '@paved/portal-ui';
import type { Adoption } from '@paved/plugin-scorecards-common';
import { scorecardsApiRef } from '../api';
import { who } from './ExceptionsTable';
import { ScorecardsLoading, ScorecardsReadError } from './ScorecardsRead';
import { share } from './campaignFormat';
import styles from './scorecard.module.css';

/** The Monday (UTC) of a day's week, as YYYY-MM-DD. */
const mondayOf = (day: string) => {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
};

/** One adoption figure: the share, and what it is of. */
const Figure = ({
  title,
  part,
  whole,
  of,
}: {
  title: string;
  part: number;
  whole: number;
  of: string;
}) => (
  <Card>
    <CardBody>
      <Flex direction="column" gap="1">
        <Text as="h3" variant="body-medium" color="secondary">
          {title}
        </Text>
        <Text as="p" variant="title-medium">
          {share(part, whole)}
        </Text>
        <Text as="p" variant="body-small">
          {part} of {plural(whole, of)}
        </Text>
      </Flex>
    </CardBody>
  </Card>
);

/** A bar per week with the same figures in a table for screen readers. */
const WeeklyBars = ({
  caption,
  column,
  weeks,
}: {
  caption: string;
  column: string;
  weeks: Array<{ week: string; value: number }>;
}) => (
  <>
    <div className={`${chartStyles.chart} ${styles.bars}`} aria-hidden>
      <ResponsiveContainer width="100%" height={140}>
        <BarChart
          data={weeks}
          margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        >
          <CartesianGrid vertical={false} />
          <XAxis dataKey="week" {...dayAxisProps} />
          <YAxis {...countAxisProps} />
          <Bar
            dataKey="value"
            radius={[3, 3, 0, 0]}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
    <ChartDataTable
      caption={caption}
      columns={['Week of', column]}
      rows={weeks.map(w => ({
        key: w.week,
        label: formatDay(w.week),
        cells: [w.value],
      }))}
    />
  </>
);

/** Each golden path's current release, and how soon components took it up. */
const Releases = ({ releases }: { releases: Adoption['releases'] }) => (
  <Card>
    <CardHeader>
      <Text as="h3" variant="title-small" id="adoption-releases">
        Current releases, and how soon components upgrade
      </Text>
    </CardHeader>
    <CardBody>
      <Flex direction="column" gap="2">
        <table className={styles.levels} aria-labelledby="adoption-releases">
          <thead>
            <tr>
              <th scope="col">Golden path</th>
              <th scope="col">Version</th>
              <th scope="col">Released</th>
              <th scope="col" className={styles.number}>
                On it or later
              </th>
              <th scope="col" className={styles.number}>
                Median time to upgrade
              </th>
            </tr>
          </thead>
          <tbody>
            {releases.map(release => (
              <tr key={release.templateRef}>
                <th scope="row">{who(release.templateRef)}</th>
                <td>{release.version}</td>
                <td>
                  {release.releasedAt
                    ? formatDay(release.releasedAt)
                    : 'Before Paved saw it'}
                </td>
                <td className={styles.number}>
                  {release.current} of {release.components}
                </td>
                <td className={styles.number}>
                  {release.medianDays === null
                    ? '—'
                    : `${plural(
                        Math.round(release.medianDays),
                        'day',
                      )} (${plural(release.upgraded, 'upgrade')})`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Text as="p" variant="body-small" color="secondary">
          Timed from the first evaluation that saw the release to the first that
          saw a component on it, for components that were on an earlier version
          before; components created on it count as on it, untimed.
        </Text>
      </Flex>
    </CardBody>
  </Card>
);

/** Hours as the span a reader thinks in: hours under two days, else days. */
const span = (hours: number) =>
  hours < 48
    ? plural(Math.round(hours), 'hour')
    : plural(Math.round(hours / 24), 'day');

/** How soon the services created from a golden path reached production. */
const FirstDeployments = ({
  value,
}: {
  value: NonNullable<Adoption['templateRuns']>['firstDeployments'];
}) => {
  if (value === undefined) return null;
  let text: string;
  if (value === null) {
    text =
      'From a template run to production: DORA could not be read at the last evaluation.';
  } else if (value.services === 0) {
    text =
      'From a template run to production: no service was created from a golden path in twelve weeks.';
  } else {
    text = `From a template run to production: ${value.deployed} of ${plural(
      value.services,
      'new service',
    )} deployed${
      value.medianHours === null
        ? ' so far'
        : `, after ${span(value.medianHours)} (median)`
    }.`;
  }
  return (
    <Text as="p" variant="body-small">
      {text}
    </Text>
  );
};

/** A page's kind as a reader names it: `/catalog/component/delivery` → Component: delivery. */
const pageLabel = (subject: string) => {
  const entity = /^\/catalog\/([^/]+)(?:\/([^/]+))?$/.exec(subject);
  if (entity) {
    const kind = entity[1].charAt(0).toUpperCase() + entity[1].slice(1);
    return `${kind} pages: ${entity[2] ?? 'overview'}`;
  }
  return subject === '/' ? 'Home' : subject;
};

/** The ten most used of something, as a list with the users of each. */
const MostUsed = ({
  title,
  items,
  label,
}: {
  title: string;
  items: Array<{ subject: string; users: number }>;
  label: (subject: string) => string;
}) => (
  <Flex direction="column" gap="1">
    <Text as="h4" variant="body-medium">
      {title}
    </Text>
    {items.length === 0 ? (
      <Text as="p" variant="body-small" color="secondary">
        None yet.
      </Text>
    ) : (
      <ol className={styles.mostUsed}>
        {items.map(item => (
          <li key={item.subject}>
            <Text variant="body-small">
              {label(item.subject)} — {plural(item.users, 'user')}
            </Text>
          </li>
        ))}
      </ol>
    )}
  </Flex>
);

/**
 * Who uses the portal, counted: weekly active users, and the pages and
 * docs most people opened. Read apart from the adoption, so one failing
 * does not hide the other.
 */
const PortalUseCard = () => {
  const api = useApi(scorecardsApiRef);
  const read = useAsyncRetry(() => api.getPortalUse(12), [api]);
  let body;
  if (read.loading && !read.value) {
    body = <ScorecardsLoading label="Loading portal use" heights={[96]} />;
  } else if (read.error) {
    body = (
      <ScorecardsReadError
        title="Could not load the portal use"
        error={read.error}
        onRetry={read.retry}
      />
    );
  } else {
    const use = read.value!;
    body = (
      <Flex direction="column" gap="3">
        <WeeklyBars
          caption="Active users per week"
          column="Users"
          weeks={use.weeks.map(w => ({ week: w.week, value: w.activeUsers }))}
        />
        <Grid.Root columns={{ initial: '1', sm: '2' }} gap="3">
          <MostUsed
            title={`Most opened pages since ${formatDay(use.since)}`}
            items={use.pages}
            label={pageLabel}
          />
          <MostUsed
            title={`Most read docs since ${formatDay(use.since)}`}
            items={use.docs}
            label={who}
          />
        </Grid.Root>
        <Text as="p" variant="body-small" color="secondary">
          Counts of signed-in people; who opened what is not kept for display.
        </Text>
      </Flex>
    );
  }
  return (
    <Card>
      <CardHeader>
        <Text as="h3" variant="title-small">
          Portal use
        </Text>
      </CardHeader>
      <CardBody>{body}</CardBody>
    </Card>
  );
};

/**
 * How the golden paths are taken up, for the platform team: components
 * and teams on a path and on its current version, and template runs per
 * week. Counts only — nobody is named.
 */
export const AdoptionSection = () => {
  const api = useApi(scorecardsApiRef);
  const read = useAsyncRetry(() => api.getAdoption(90), [api]);
  let body;
  if (read.loading && !read.value) {
    body = <ScorecardsLoading label="Loading adoption" heights={[96]} />;
  } else if (read.error) {
    body = (
      <ScorecardsReadError
        title="Could not load the adoption"
        error={read.error}
        onRetry={read.retry}
      />
    );
  } else if (!read.value!.latest) {
    body = (
      <Text as="p">
        Not evaluated yet: adoption is counted with every scorecard evaluation.
      </Text>
    );
  } else {
    const { history, templateRuns } = read.value!;
    const latest = read.value!.latest!;
    const first = history[0];
    // The last day recorded in each week, oldest week first.
    const byWeek = new Map<string, number>();
    for (const day of history) {
      byWeek.set(mondayOf(day.day), day.onGoldenPath);
    }
    const onboarded = [...byWeek].map(([week, value]) => ({ week, value }));
    body = (
      <Flex direction="column" gap="4">
        <Grid.Root columns={{ initial: '1', sm: '3' }} gap="3">
          <Figure
            title="Components on a golden path"
            part={latest.onGoldenPath}
            whole={latest.components}
            of="component"
          />
          <Figure
            title="Of those, on the current version"
            part={latest.onCurrentVersion}
            whole={latest.onGoldenPath}
            of="component"
          />
          <Figure
            title="Teams on a golden path"
            part={latest.teamsOnGoldenPath}
            whole={latest.teams}
            of="team"
          />
        </Grid.Root>
        {onboarded.length > 1 && (
          <Card>
            <CardHeader>
              <Text as="h3" variant="title-small">
                On a golden path, week by week
              </Text>
            </CardHeader>
            <CardBody>
              <WeeklyBars
                caption="Components on a golden path at the end of each week"
                column="Components"
                weeks={onboarded}
              />
            </CardBody>
          </Card>
        )}
        <Text as="p" variant="body-small" color="secondary">
          As of {formatDay(latest.day)}
          {first && first.day !== latest.day
            ? `; on ${formatDay(first.day)}, ${first.onGoldenPath} of ${
                first.components
              } components and ${first.teamsOnGoldenPath} of ${
                first.teams
              } teams were on a golden path`
            : ''}
          .
        </Text>
        <Card>
          <CardHeader>
            <Text as="h3" variant="title-small">
              Template runs per week
            </Text>
          </CardHeader>
          <CardBody>
            {templateRuns === null ? (
              <Text as="p">
                The template runs could not be read from the scaffolder at the
                last evaluation.
              </Text>
            ) : (
              <Flex direction="column" gap="3">
                <WeeklyBars
                  caption="Template runs per week"
                  column="Runs"
                  weeks={templateRuns.weeks.map(w => ({
                    week: w.week,
                    value: w.runs,
                  }))}
                />
                <Text as="p" variant="body-small">
                  {templateRuns.templates.length === 0
                    ? 'No template run in twelve weeks.'
                    : `Most used in twelve weeks: ${templateRuns.templates
                        .slice(0, 5)
                        .map(t => `${who(t.templateRef)} (${t.runs})`)
                        .join(', ')}.`}
                </Text>
                <FirstDeployments value={templateRuns.firstDeployments} />
              </Flex>
            )}
          </CardBody>
        </Card>
        {read.value!.releases?.length > 0 && (
          <Releases releases={read.value!.releases} />
        )}
      </Flex>
    );
  }
  return (
    <section aria-labelledby="adoption-heading" className={styles.section}>
      <Flex direction="column" gap="3">
        <Text as="h2" variant="title-medium" id="adoption-heading">
          Golden-path adoption
        </Text>
        {body}
        <PortalUseCard />
      </Flex>
    </section>
  );
};
