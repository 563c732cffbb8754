import { Flex, Skeleton } from '@backstage/ui';
import type { ScorecardDefinitions } from '@paved/plugin-scorecards-common';
import { ReadError } from '@paved/portal-ui';

/** Placeholders while a scorecard read is under way. */
export const ScorecardsLoading = ({
  label,
  heights,
}: {
  /** What is loading, for screen readers. */
  label: string;
  /** One placeholder block per height, under a heading's. */
  heights: number[];
}) => (
  <Flex direction="column" gap="3" aria-busy="true" aria-label={label}>
    <Skeleton width="40%" height={28} />
    {heights.map((height, i) => (
      <Skeleton key={i} width="100%" height={height} />
    ))}
  </Flex>
);

/** Why a scorecard read failed; a missing permission says which. */
export const ScorecardsReadError = ({
  title,
  error,
  onRetry,
}: {
  title: string;
  error: Error;
  onRetry: () => void;
}) => (
  <ReadError
    title={title}
    error={error}
    onRetry={onRetry}
    forbidden={{
      title: 'You may not read scorecards',
      description:
        'Reading scorecards needs the scorecards.read permission; ask a portal admin.',
    }}
  />
);

/** A level's title from the definitions; null for below the first level. */
export function levelTitle(
  definitions: ScorecardDefinitions,
  level: string | null,
): string | null {
  if (level === null) return null;
  return definitions.levels.find(l => l.id === level)?.title ?? level;
}
