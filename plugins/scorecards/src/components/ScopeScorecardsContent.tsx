import { Text } from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { scorecardsApiRef } from '../api';
import { RollupView } from './RollupView';
import { ScorecardsLoading, ScorecardsReadError } from './ScorecardsRead';

/**
 * The Scorecards tab of a group or system: how many of its components
 * reached each level and since when, which components are lowest and which
 * checks they fail most, from the stored results.
 */
export const ScopeScorecardsContent = () => {
  const { entity } = useEntity();
  const api = useApi(scorecardsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const read = useAsyncRetry(
    () =>
      Promise.all([
        api.getRollup({ entityRef, days: 90 }),
        api.getDefinitions(),
      ]),
    [api, entityRef],
  );
  if (read.loading && !read.value) {
    return <ScorecardsLoading label="Loading the scorecards" heights={[160]} />;
  }
  if (read.error) {
    return (
      <ScorecardsReadError
        title="Could not load the scorecards"
        error={read.error}
        onRetry={read.retry}
      />
    );
  }
  const [rollup, definitions] = read.value!;
  if (rollup.components === 0) {
    return (
      <Text as="p">
        {rollup.notEvaluated > 0
          ? `None of its ${rollup.notEvaluated} components is evaluated yet; the scorecards evaluate every component every few minutes.`
          : 'It has no components to score.'}
      </Text>
    );
  }
  return (
    <RollupView
      rollup={rollup}
      definitions={definitions}
      idPrefix="scorecards"
    />
  );
};
