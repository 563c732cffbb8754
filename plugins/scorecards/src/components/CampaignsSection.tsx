import { useCallback, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Button, Card, CardBody, Flex, Link, Text } from '@backstage/ui';
import { scorecardsCampaignCreatePermission } from '@paved/plugin-scorecards-common';
import { formatDay } from '@paved/portal-ui';
import { scorecardsApiRef } from '../api';
import { StatusMessage } from './Announce';
import { deadlineText, progressText } from './campaignFormat';
import { ScorecardsLoading, ScorecardsReadError } from './ScorecardsRead';
import { StartCampaignDialog } from './StartCampaignDialog';
import styles from './scorecard.module.css';

/** How far a campaign has come, as a bar and in words. */
export const CampaignProgress = ({
  done,
  targeted,
}: {
  done: number;
  targeted: number;
}) => (
  <Flex direction="column" gap="1">
    <div className={styles.progressTrack} aria-hidden>
      <div
        className={styles.progressFill}
        style={{ width: `${targeted ? (done / targeted) * 100 : 0}%` }}
      />
    </div>
    <Text as="p" variant="body-small">
      {progressText(done, targeted)}
    </Text>
  </Flex>
);

/**
 * The campaigns on the Scorecards page: what the platform team asks of
 * teams and by when, each with its progress; admins start new ones.
 */
export const CampaignsSection = () => {
  const api = useApi(scorecardsApiRef);
  const read = useAsyncRetry(
    () => Promise.all([api.listCampaigns(), api.getDefinitions()]),
    [api],
  );
  const { allowed: mayStart } = usePermission({
    permission: scorecardsCampaignCreatePermission,
  });
  const [starting, setStarting] = useState(false);
  const [started, setStarted] = useState<string>();
  const { retry } = read;
  const onStarted = useCallback(
    (title: string) => {
      setStarting(false);
      setStarted(title);
      retry();
    },
    [retry],
  );
  let body;
  if (read.loading && !read.value) {
    body = <ScorecardsLoading label="Loading campaigns" heights={[96]} />;
  } else if (read.error) {
    body = (
      <ScorecardsReadError
        title="Could not load the campaigns"
        error={read.error}
        onRetry={read.retry}
      />
    );
  } else {
    const [campaigns] = read.value!;
    body =
      campaigns.length === 0 ? (
        <Text as="p">
          No campaign yet. A campaign asks components to pass checks by a
          deadline; a new check can start as one, so no service drops a level
          overnight.
        </Text>
      ) : (
        <ul className={styles.campaigns}>
          {campaigns.map(campaign => (
            <li key={campaign.id}>
              <Card>
                <CardBody>
                  <Flex direction="column" gap="2">
                    <Text as="h3" variant="title-x-small">
                      <Link href={`/scorecards/campaigns/${campaign.id}`}>
                        {campaign.title}
                      </Link>
                    </Text>
                    <Text as="p" variant="body-small" color="secondary">
                      {campaign.checks.map(c => c.title).join(', ')} · by{' '}
                      {formatDay(campaign.deadline)} (
                      {deadlineText(campaign.deadline)})
                    </Text>
                    <CampaignProgress
                      done={campaign.done}
                      targeted={campaign.targeted}
                    />
                  </Flex>
                </CardBody>
              </Card>
            </li>
          ))}
        </ul>
      );
  }
  return (
    <section aria-labelledby="campaigns-heading">
      <Flex direction="column" gap="3">
        <Flex justify="between" align="center">
          <Text as="h2" variant="title-medium" id="campaigns-heading">
            Campaigns
          </Text>
          {mayStart && read.value && (
            <Button variant="primary" onPress={() => setStarting(true)}>
              Start a campaign
            </Button>
          )}
        </Flex>
        <StatusMessage
          message={
            started &&
            `Campaign “${started}” started; its components appear within seconds.`
          }
        />
        {body}
      </Flex>
      {starting && read.value && (
        <StartCampaignDialog
          definitions={read.value[1]}
          onClose={() => setStarting(false)}
          onStarted={onStarted}
        />
      )}
    </section>
  );
};
