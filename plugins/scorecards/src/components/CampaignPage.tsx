import { useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Card,
  CardBody,
  CardHeader,
  Container,
  Flex,
  Link,
  Text,
} from '@backstage/ui';
import {
  CartesianGrid,
  Line,
  LineChart,
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
} from '@paved/portal-ui';
import { scorecardsApiRef } from '../api';
import { deadlineText } from './campaignFormat';
import { CampaignProgress } from './CampaignsSection';
import { who } from './ExceptionsTable';
import { UpgradeRunNote } from './UpgradeRunNote';
import { ScorecardsLoading, ScorecardsReadError } from './ScorecardsRead';
import styles from './scorecard.module.css';

/**
 * One campaign: what it asks, by when, its burn-up (components done per
 * day against those targeted) and every component, those not done first,
 * with the checks each still fails.
 */
export const CampaignPage = () => {
  const { id = '' } = useParams();
  const api = useApi(scorecardsApiRef);
  const entityLink = useEntityRefLink();
  const read = useAsyncRetry(() => api.getCampaign(id), [api, id]);
  let body;
  if (read.loading && !read.value) {
    body = (
      <ScorecardsLoading label="Loading the campaign" heights={[160, 200]} />
    );
  } else if (read.error) {
    body = (
      <ScorecardsReadError
        title="Could not load the campaign"
        error={read.error}
        onRetry={read.retry}
      />
    );
  } else {
    const campaign = read.value!;
    const titles = new Map(campaign.checks.map(c => [c.id, c.title]));
    body = (
      <Flex direction="column" gap="5">
        <Flex direction="column" gap="2">
          <Text as="h2" variant="title-medium">
            {campaign.title}
          </Text>
          {campaign.description && <Text as="p">{campaign.description}</Text>}
          <Text as="p" color="secondary">
            By {formatDay(campaign.deadline)} ({deadlineText(campaign.deadline)}
            ); started by {who(campaign.createdBy)} on{' '}
            {formatDay(campaign.createdAt)}.
          </Text>
          <CampaignProgress done={campaign.done} targeted={campaign.targeted} />
        </Flex>
        <Card>
          <CardHeader>
            <Text as="h3" variant="title-small">
              What is asked
            </Text>
          </CardHeader>
          <CardBody>
            <ul className={styles.plainList}>
              {campaign.checks.map(check => (
                <li key={check.id}>
                  <Text as="p" weight="bold">
                    {check.title}
                  </Text>
                  <Text as="p" variant="body-small">
                    <span className={styles.label}>How to fix: </span>
                    {check.fix}
                  </Text>
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <Text as="h3" variant="title-small">
              Burn-up
            </Text>
          </CardHeader>
          <CardBody>
            {campaign.progress.length === 0 ? (
              <Text as="p">
                The first evaluation since the start draws the first point.
              </Text>
            ) : (
              <>
                <div
                  className={`${chartStyles.chart} ${styles.burnup}`}
                  aria-hidden
                >
                  <ResponsiveContainer width="100%" height={180}>
                    <LineChart
                      data={campaign.progress}
                      margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
                    >
                      <CartesianGrid vertical={false} />
                      <XAxis dataKey="day" {...dayAxisProps} />
                      <YAxis {...countAxisProps} />
                      <Line
                        dataKey="targeted"
                        className={styles.targetedLine}
                        strokeDasharray="4 4"
                        strokeWidth={2}
                        dot={
                          campaign.progress.length === 1 ? { r: 2.5 } : false
                        }
                        isAnimationActive={false}
                      />
                      <Line
                        dataKey="done"
                        strokeWidth={2}
                        dot={
                          campaign.progress.length <= 40 ? { r: 2.5 } : false
                        }
                        isAnimationActive={false}
                      />
                    </LineChart>
                  </ResponsiveContainer>
                </div>
                <Text as="p" variant="body-small" color="secondary">
                  Solid: components done. Dashed: components targeted.
                </Text>
                <ChartDataTable
                  caption="Components done per day"
                  columns={['Day', 'Done', 'Targeted']}
                  rows={campaign.progress.map(point => ({
                    key: point.day,
                    label: formatDay(point.day),
                    cells: [point.done, point.targeted],
                  }))}
                />
              </>
            )}
          </CardBody>
        </Card>
        <section aria-labelledby="campaign-components">
          <Text as="h3" variant="title-small" id="campaign-components">
            Components, those not done first
          </Text>
          <table
            className={styles.levels}
            aria-labelledby="campaign-components"
          >
            <thead>
              <tr>
                <th scope="col">Component</th>
                <th scope="col">Owner</th>
                <th scope="col">Still to pass</th>
              </tr>
            </thead>
            <tbody>
              {campaign.targets.map(target => (
                <tr key={target.entityRef}>
                  <th scope="row">
                    <Link href={`${entityLink(target.entityRef)}/scorecard`}>
                      {target.title ?? who(target.entityRef)}
                    </Link>
                  </th>
                  <td>{target.owner ? who(target.owner) : '—'}</td>
                  <td>
                    {target.done
                      ? 'Done'
                      : target.failing.map(f => titles.get(f) ?? f).join(', ')}
                    {target.upgrade && (
                      <Text as="p" variant="body-small">
                        <UpgradeRunNote run={target.upgrade} />
                      </Text>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </Flex>
    );
  }
  return (
    <Container>
      <Flex direction="column" gap="4">
        <Link href="/scorecards">All campaigns and exceptions</Link>
        {body}
      </Flex>
    </Container>
  );
};
