import { useCallback, useState } from 'react';
import {
  Button,
  Card,
  CardBody,
  CardHeader,
  Flex,
  Link,
  Text,
} from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  type ScorecardCheckResult,
  scorecardsExceptionRequestPermission,
} from '@paved/plugin-scorecards-common';
import { formatDateTime, formatDay } from '@paved/portal-ui';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { scorecardsApiRef } from '../api';
import { StatusMessage } from './Announce';
import { ExceptionRequestDialog } from './ExceptionRequestDialog';
import { deadlineText } from './campaignFormat';
import { UpgradeRunNote } from './UpgradeRunNote';
import { ExceptionsTable, who } from './ExceptionsTable';
import { LevelChip, OutcomeChip } from './OutcomeChip';
import {
  levelTitle,
  ScorecardsLoading,
  ScorecardsReadError,
} from './ScorecardsRead';
import styles from './scorecard.module.css';

/**
 * The Scorecard tab of a component: the level it reached, what the next
 * level asks, and every check — failing first — with its evidence, why it
 * matters and how to fix it. All from the stored results.
 */
export const EntityScorecardContent = () => {
  const { entity } = useEntity();
  const api = useApi(scorecardsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const read = useAsyncRetry(
    () =>
      Promise.all([
        api.getEntityScorecard(entityRef),
        api.getDefinitions(),
        api.listExceptions({ entityRef }),
        api.getEntityCampaigns(entityRef),
      ]),
    [api, entityRef],
  );
  // Owners (and admins) may ask for an exception to a failing check.
  const { allowed: mayRequest } = usePermission({
    permission: scorecardsExceptionRequestPermission,
    resourceRef: entityRef,
  });
  const [requesting, setRequesting] = useState<ScorecardCheckResult>();
  const [requested, setRequested] = useState<string>();
  const { retry } = read;
  const onRequested = useCallback(() => {
    setRequested(requesting?.title);
    setRequesting(undefined);
    retry();
  }, [requesting, retry]);
  if (read.loading && !read.value) {
    return (
      <ScorecardsLoading label="Loading the scorecard" heights={[72, 72]} />
    );
  }
  if (read.error) {
    return (
      <ScorecardsReadError
        title="Could not load the scorecard"
        error={read.error}
        onRetry={read.retry}
      />
    );
  }
  const [scorecard, definitions, exceptions, campaigns] = read.value!;
  const titleOf = (level: string | null) => levelTitle(definitions, level);
  if (scorecard.evaluatedAt === null) {
    return (
      <Text as="p">
        Not evaluated yet: the scorecards evaluate every component every few
        minutes. Come back shortly.
      </Text>
    );
  }
  const failing = scorecard.checks.filter(c => c.outcome === 'fail');
  const toNext = scorecard.nextLevel
    ? failing.filter(c => c.level === scorecard.nextLevel).length
    : 0;
  return (
    <Flex direction="column" gap="5">
      <StatusMessage
        message={
          requested &&
          `Exception to “${requested}” requested; a platform admin decides.`
        }
      />
      <Card>
        <CardHeader>
          <Flex align="center" gap="3">
            <Text as="h2" variant="title-small">
              Level
            </Text>
            <LevelChip title={titleOf(scorecard.level)} />
          </Flex>
        </CardHeader>
        <CardBody>
          <Flex direction="column" gap="2">
            <Text as="p">
              {scorecard.nextLevel
                ? `${titleOf(scorecard.nextLevel)} is next: ${toNext} ${
                    toNext === 1 ? 'check' : 'checks'
                  } of it to fix${
                    failing.length > toNext
                      ? `, and ${
                          failing.length - toNext
                        } of the levels after it`
                      : ''
                  }.`
                : 'Every level reached.'}
            </Text>
            <Text as="p" variant="body-small" color="secondary">
              Evaluated {formatDateTime(scorecard.evaluatedAt)}.
            </Text>
          </Flex>
        </CardBody>
      </Card>
      {campaigns.length > 0 && (
        <Card>
          <CardHeader>
            <Text as="h2" variant="title-small">
              Campaigns
            </Text>
          </CardHeader>
          <CardBody>
            <ul className={styles.plainList}>
              {campaigns.map(campaign => (
                <li key={campaign.id}>
                  <Text as="p">
                    <Link href={`/scorecards/campaigns/${campaign.id}`}>
                      {campaign.title}
                    </Link>
                    : by {formatDay(campaign.deadline)} (
                    {deadlineText(campaign.deadline)}).{' '}
                    {campaign.failing.length === 0
                      ? 'Done.'
                      : `Still to pass: ${campaign.checks
                          .filter(c => campaign.failing.includes(c.id))
                          .map(c => c.title)
                          .join(', ')}.`}
                  </Text>
                  {campaign.upgrade && (
                    <Text as="p" variant="body-small">
                      <UpgradeRunNote run={campaign.upgrade} />
                    </Text>
                  )}
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
      )}
      <section aria-labelledby="scorecard-checks">
        <Flex direction="column" gap="3">
          <Text as="h2" variant="title-small" id="scorecard-checks">
            Checks
          </Text>
          <ul className={styles.checks}>
            {scorecard.checks.map(check => (
              <li
                key={check.id}
                className={styles.check}
                data-outcome={check.outcome}
                aria-label={`${check.title}: ${check.outcome}`}
              >
                <div>
                  <OutcomeChip outcome={check.outcome} />
                </div>
                <div className={styles.checkBody}>
                  <Text as="h3" variant="body-medium" weight="bold">
                    {check.title}
                    {check.level ? ` · ${titleOf(check.level)}` : ''}
                  </Text>
                  <Text as="p" variant="body-medium">
                    {check.evidence}
                  </Text>
                  <Text as="p" variant="body-small" color="secondary">
                    {check.description} {check.rationale}
                  </Text>
                  {check.outcome !== 'pass' &&
                    check.outcome !== 'not-applicable' && (
                      <Text as="p" variant="body-small">
                        <span className={styles.label}>How to fix: </span>
                        {check.fix}
                      </Text>
                    )}
                  {check.exception && (
                    <Text as="p" variant="body-small">
                      <span className={styles.label}>
                        {check.exception.status === 'pending'
                          ? 'Exception requested: '
                          : 'Exception: '}
                      </span>
                      {check.exception.status === 'pending'
                        ? `${who(
                            check.exception.requestedBy,
                          )} asked until ${formatDay(
                            check.exception.expiresAt,
                          )}; a platform admin decides. `
                        : `until ${formatDay(check.exception.expiresAt)}. `}
                      “{check.exception.reason}”
                    </Text>
                  )}
                  {check.outcome === 'fail' &&
                    !check.exception &&
                    mayRequest && (
                      <div>
                        <Button
                          size="small"
                          variant="secondary"
                          aria-label={`Request an exception to ${check.title}`}
                          onPress={() => setRequesting(check)}
                        >
                          Request an exception
                        </Button>
                      </div>
                    )}
                </div>
              </li>
            ))}
          </ul>
        </Flex>
      </section>
      {exceptions.length > 0 && (
        <ExceptionsTable title="Exceptions" exceptions={exceptions} />
      )}
      {requesting && (
        <ExceptionRequestDialog
          entityRef={entityRef}
          check={requesting}
          maxDays={definitions.exceptionMaxDays}
          onClose={() => setRequesting(undefined)}
          onRequested={onRequested}
        />
      )}
    </Flex>
  );
};
