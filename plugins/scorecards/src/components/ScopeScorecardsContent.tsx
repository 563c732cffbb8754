import { Flex, Link, Text } from '@backstage/ui';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { formatNumber } from '@paved/portal-ui';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { scorecardsApiRef } from '../api';
import {
  levelTitle,
  ScorecardsLoading,
  ScorecardsReadError,
} from './ScorecardsRead';
import styles from './scorecard.module.css';

const share = (part: number, whole: number) =>
  whole === 0 ? '—' : `${Math.round((part / whole) * 100)} %`;

/**
 * The Scorecards tab of a group or system: how many of its components
 * reached each level, and which checks they fail most, from the stored
 * results.
 */
export const ScopeScorecardsContent = () => {
  const { entity } = useEntity();
  const api = useApi(scorecardsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const entityLink = useEntityRefLink();
  const read = useAsyncRetry(
    () =>
      Promise.all([
        api.getRollup({ entityRef, days: 30 }),
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
  const titleOf = (level: string | null) =>
    levelTitle(definitions, level) ?? 'No level yet';
  if (rollup.components === 0) {
    return (
      <Text as="p">
        {rollup.notEvaluated > 0
          ? `None of its ${rollup.notEvaluated} components is evaluated yet; the scorecards evaluate every component every few minutes.`
          : 'It has no components to score.'}
      </Text>
    );
  }
  const checks = [...rollup.checks].sort((a, b) => b.fail - a.fail);
  const checkTitle = (id: string) =>
    rollup.checks.find(c => c.id === id)?.title ?? id;
  return (
    <Flex direction="column" gap="6">
      <section aria-labelledby="scorecards-levels">
        <Flex direction="column" gap="3">
          <Text as="h2" variant="title-small" id="scorecards-levels">
            Levels of its {formatNumber(rollup.components)} components
          </Text>
          <table className={styles.levels} aria-labelledby="scorecards-levels">
            <thead>
              <tr>
                <th scope="col">Level</th>
                <th scope="col" className={styles.number}>
                  Components
                </th>
                <th scope="col" className={styles.number}>
                  Share
                </th>
                <th scope="col" aria-hidden="true" />
              </tr>
            </thead>
            <tbody>
              {[
                ...rollup.levels.filter(l => l.level !== null).reverse(),
                ...rollup.levels.filter(l => l.level === null),
              ].map(row => (
                <tr key={row.level ?? 'none'}>
                  <th scope="row">{titleOf(row.level)}</th>
                  <td className={styles.number}>{row.components}</td>
                  <td className={styles.number}>
                    {share(row.components, rollup.components)}
                  </td>
                  <td aria-hidden="true">
                    <span
                      className={styles.bar}
                      style={{
                        width: `${
                          (row.components / rollup.components) * 12
                        }rem`,
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rollup.notEvaluated > 0 && (
            <Text as="p" variant="body-small" color="secondary">
              {rollup.notEvaluated} more not evaluated yet.
            </Text>
          )}
        </Flex>
      </section>
      {rollup.members && rollup.members.length > 0 && (
        <section aria-labelledby="scorecards-members">
          <Flex direction="column" gap="3">
            <Text as="h2" variant="title-small" id="scorecards-members">
              Components, lowest level first
            </Text>
            <table
              className={styles.levels}
              aria-labelledby="scorecards-members"
            >
              <thead>
                <tr>
                  <th scope="col">Component</th>
                  <th scope="col">Level</th>
                  <th scope="col">Fails</th>
                </tr>
              </thead>
              <tbody>
                {rollup.members.map(member => (
                  <tr key={member.entityRef}>
                    <th scope="row">
                      <Link href={`${entityLink(member.entityRef)}/scorecard`}>
                        {member.title ?? parseEntityRef(member.entityRef).name}
                      </Link>
                    </th>
                    <td>{titleOf(member.level)}</td>
                    <td>
                      {member.failing.length === 0
                        ? '—'
                        : member.failing.map(checkTitle).join(', ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Flex>
        </section>
      )}
      <section aria-labelledby="scorecards-checks">
        <Flex direction="column" gap="3">
          <Text as="h2" variant="title-small" id="scorecards-checks">
            Checks, most failed first
          </Text>
          <table className={styles.levels} aria-labelledby="scorecards-checks">
            <thead>
              <tr>
                <th scope="col">Check</th>
                <th scope="col" className={styles.number}>
                  Fail
                </th>
                <th scope="col" className={styles.number}>
                  Pass
                </th>
                <th scope="col" className={styles.number}>
                  With an exception
                </th>
                <th scope="col" className={styles.number}>
                  Does not apply
                </th>
              </tr>
            </thead>
            <tbody>
              {checks.map(check => (
                <tr key={check.id}>
                  <th scope="row">{check.title}</th>
                  <td className={styles.number}>{check.fail}</td>
                  <td className={styles.number}>{check.pass}</td>
                  <td className={styles.number}>{check.excepted}</td>
                  <td className={styles.number}>{check.notApplicable}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Flex>
      </section>
    </Flex>
  );
};
