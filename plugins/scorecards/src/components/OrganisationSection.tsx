import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import { Flex, Text } from '@backstage/ui';
import { scorecardsApiRef } from '../api';
import { RollupView } from './RollupView';
import { ScorecardsLoading, ScorecardsReadError } from './ScorecardsRead';

/**
 * The standard across the organisation on the Scorecards page: every
 * component the reader can see, by level, with the level history and the
 * checks failed most — from the stored results, never computed on view.
 */
export const OrganisationSection = () => {
  const api = useApi(scorecardsApiRef);
  const read = useAsyncRetry(
    () => Promise.all([api.getRollup({ days: 90 }), api.getDefinitions()]),
    [api],
  );
  let body;
  if (read.loading && !read.value) {
    body = <ScorecardsLoading label="Loading the levels" heights={[160]} />;
  } else if (read.error) {
    body = (
      <ScorecardsReadError
        title="Could not load the levels"
        error={read.error}
        onRetry={read.retry}
      />
    );
  } else {
    const [rollup, definitions] = read.value!;
    body =
      rollup.components === 0 ? (
        <Text as="p">
          {rollup.notEvaluated > 0
            ? `None of the ${rollup.notEvaluated} components is evaluated yet; the scorecards evaluate every component every few minutes.`
            : 'No component to score yet: components appear here once they are in the catalog.'}
        </Text>
      ) : (
        <RollupView
          rollup={rollup}
          definitions={definitions}
          idPrefix="organisation"
          headings="h3"
        />
      );
  }
  return (
    <section aria-labelledby="organisation-heading">
      <Flex direction="column" gap="3">
        <Text as="h2" variant="title-medium" id="organisation-heading">
          Across the organisation
        </Text>
        {body}
      </Flex>
    </section>
  );
};
