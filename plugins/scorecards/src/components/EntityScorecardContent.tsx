import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { formatDateTime } from '@paved/portal-ui';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { scorecardsApiRef } from '../api';
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
      Promise.all([api.getEntityScorecard(entityRef), api.getDefinitions()]),
    [api, entityRef],
  );
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
  const [scorecard, definitions] = read.value!;
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
                  {check.outcome === 'fail' && (
                    <Text as="p" variant="body-small">
                      <span className={styles.label}>How to fix: </span>
                      {check.fix}
                    </Text>
                  )}
                </div>
              </li>
            ))}
          </ul>
        </Flex>
      </section>
    </Flex>
  );
};
