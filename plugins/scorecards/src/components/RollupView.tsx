import { Flex, Link, Text } from '@backstage/ui';
import { parseEntityRef } from '@backstage/catalog-model';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { formatNumber, plural } from '@paved/portal-ui';
import type {
  ScorecardDefinitions,
  ScorecardRollup,
} from '@paved/plugin-scorecards-common';
import { LevelHistory } from './LevelHistory';
import { levelTitle } from './ScorecardsRead';
import { share } from './campaignFormat';
import styles from './scorecard.module.css';

/**
 * A roll-up of stored results: how many components reached each level,
 * how that changed day by day, the components lowest first (for a team
 * or a system) and the checks they fail most. `idPrefix` keeps the
 * headings' ids unique on the page.
 */
export const RollupView = ({
  rollup,
  definitions,
  idPrefix,
  headings = 'h2',
}: {
  rollup: ScorecardRollup;
  definitions: ScorecardDefinitions;
  idPrefix: string;
  headings?: 'h2' | 'h3';
}) => {
  const entityLink = useEntityRefLink();
  const titleOf = (level: string | null) =>
    levelTitle(definitions, level) ?? 'No level yet';
  const checks = [...rollup.checks].sort((a, b) => b.fail - a.fail);
  const checkTitle = (id: string) =>
    rollup.checks.find(c => c.id === id)?.title ?? id;
  return (
    <Flex direction="column" gap="6">
      <section aria-labelledby={`${idPrefix}-levels`}>
        <Flex direction="column" gap="3">
          <Text as={headings} variant="title-small" id={`${idPrefix}-levels`}>
            Levels of {rollup.entityRef ? 'its' : 'all'}{' '}
            {formatNumber(rollup.components)} components
          </Text>
          <table
            className={styles.levels}
            aria-labelledby={`${idPrefix}-levels`}
          >
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
      {rollup.history.length > 1 && (
        <section aria-labelledby={`${idPrefix}-history`}>
          <Flex direction="column" gap="3">
            <Text
              as={headings}
              variant="title-small"
              id={`${idPrefix}-history`}
            >
              Levels over the last {plural(rollup.history.length, 'day')}
            </Text>
            <LevelHistory history={rollup.history} definitions={definitions} />
          </Flex>
        </section>
      )}
      {rollup.members && rollup.members.length > 0 && (
        <section aria-labelledby={`${idPrefix}-members`}>
          <Flex direction="column" gap="3">
            <Text
              as={headings}
              variant="title-small"
              id={`${idPrefix}-members`}
            >
              Components, lowest level first
            </Text>
            <table
              className={styles.levels}
              aria-labelledby={`${idPrefix}-members`}
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
      <section aria-labelledby={`${idPrefix}-checks`}>
        <Flex direction="column" gap="3">
          <Text as={headings} variant="title-small" id={`${idPrefix}-checks`}>
            Checks, most failed first
          </Text>
          <table
            className={styles.levels}
            aria-labelledby={`${idPrefix}-checks`}
          >
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
