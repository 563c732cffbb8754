import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  Flex,
  Link,
  Skeleton,
  Text,
} from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { plural } from '@paved/portal-ui';
import { scorecardsApiRef } from '../api';
import { LevelChip } from './OutcomeChip';
import { levelTitle, ScorecardsReadError } from './ScorecardsRead';

/** Failing checks the card names; the tab lists every one. */
const CARD_CHECKS = 3;

/**
 * A component's scorecard at a glance on its overview: the level, the
 * checks it fails (the first few) and those passing with an exception,
 * linking to the Scorecard tab.
 */
export const EntityScorecardCard = () => {
  const { entity } = useEntity();
  const api = useApi(scorecardsApiRef);
  const entityLink = useEntityRefLink();
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      Promise.all([api.getEntityScorecard(entityRef), api.getDefinitions()]),
    [api, entityRef],
  );
  let body;
  if (loading && !value) {
    body = <Skeleton width="100%" height={72} />;
  } else if (error) {
    body = (
      <ScorecardsReadError
        title="Could not load the scorecard"
        error={error}
        onRetry={retry}
      />
    );
  } else {
    const [scorecard, definitions] = value!;
    const failing = scorecard.checks.filter(c => c.outcome === 'fail');
    const excepted = scorecard.checks.filter(
      c => c.outcome === 'pass-with-exception',
    ).length;
    body =
      scorecard.evaluatedAt === null ? (
        <Text as="p">Not evaluated yet; it will be within minutes.</Text>
      ) : (
        <Flex direction="column" gap="2">
          <Flex align="center" gap="2">
            <Text as="span">Level</Text>
            <LevelChip title={levelTitle(definitions, scorecard.level)} />
          </Flex>
          <Text as="p">
            {failing.length === 0
              ? 'Passes every check.'
              : `Fails ${plural(failing.length, 'check')}: ${failing
                  .slice(0, CARD_CHECKS)
                  .map(c => c.title)
                  .join(', ')}${failing.length > CARD_CHECKS ? ', …' : ''}.`}
            {excepted > 0
              ? ` ${plural(excepted, 'check')} passing with an exception.`
              : ''}
          </Text>
        </Flex>
      );
  }
  return (
    <Card aria-labelledby="scorecard-card-title">
      <CardHeader>
        <Text as="h2" id="scorecard-card-title" variant="title-x-small">
          Scorecard
        </Text>
      </CardHeader>
      <CardBody>{body}</CardBody>
      <CardFooter>
        <Link href={`${entityLink(entity)}/scorecard`}>
          Every check, with how to fix it
        </Link>
      </CardFooter>
    </Card>
  );
};
