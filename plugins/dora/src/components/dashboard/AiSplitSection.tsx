import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import { Skeleton, Text } from '@backstage/ui';
import type { AiSplit, AiSplitSide } from '@paved/plugin-dora-common';
import { ReadError, formatNumber, plural } from '@paved/portal-ui';
import { doraApiRef, type DoraScope } from '../../api';
import { formatDuration, formatRate } from '../../lib/format';
import styles from './dashboard.module.css';

/** "2 of 8 deployments" after a rate, so a rate of few reads as such. */
const ofDeployments = (part: number, side: AiSplitSide) =>
  side.deployments === 0
    ? ''
    : ` (${part} of ${plural(side.deployments, 'deployment')})`;

/** The one sentence a team lead reads first. */
function verdict({ aiAssisted, other }: AiSplit): string {
  const parts: string[] = [];
  const [a, o] = [aiAssisted.changeLeadTime.p50, other.changeLeadTime.p50];
  if (a !== null && o !== null) {
    parts.push(
      `AI-assisted changes reach production in ${formatDuration(
        a,
      )} (median) against ${formatDuration(o)} for the others`,
    );
  }
  const [fa, fo] = [aiAssisted.changeFailRate, other.changeFailRate];
  if (fa !== null && fo !== null) {
    let compared = 'as often as';
    if (fa > fo) compared = 'more often than';
    if (fa < fo) compared = 'less often than';
    parts.push(
      `the deployments carrying them fail ${compared} the others (${formatRate(
        fa,
      )} against ${formatRate(fo)})`,
    );
  }
  return parts.length ? `${parts.join(', and ')}.` : '';
}

/**
 * Whether AI assistants amplify speed or instability in this scope:
 * AI-assisted changes (the `ai-assisted` label, from a pull-request label
 * or the commit's `Assisted-by:` trailer) against the others, with the
 * counts behind each number.
 */
export const AiSplitSection = ({
  scope,
  readKey,
}: {
  scope: DoraScope;
  /** Changes whenever the metrics are read again, to read the split again. */
  readKey: unknown;
}) => {
  const doraApi = useApi(doraApiRef);
  const split = useAsyncRetry(
    () => doraApi.getAiSplit(scope),
    [doraApi, scope, readKey],
  );
  let body;
  if (split.error) {
    body = (
      <ReadError
        title="Could not compare AI-assisted changes"
        error={split.error}
        onRetry={split.retry}
      />
    );
  } else if (split.loading && !split.value) {
    body = <Skeleton width="100%" height={160} />;
  } else if (split.value!.aiAssisted.changes === 0) {
    body = (
      <Text as="p" variant="body-small">
        No AI-assisted change reached production in this window. Changes count
        as AI-assisted when their pull request has the <code>ai-assisted</code>{' '}
        label or their commit an <code>Assisted-by:</code> trailer; then they
        are compared with the others here.
      </Text>
    );
  } else {
    const { aiAssisted, other } = split.value!;
    const rows: Array<[string, (side: AiSplitSide) => string]> = [
      ['Changes delivered', side => formatNumber(side.changes)],
      [
        'Change lead time (median)',
        side => formatDuration(side.changeLeadTime.p50),
      ],
      [
        'Change fail rate',
        side =>
          `${formatRate(side.changeFailRate)}${ofDeployments(
            side.failed,
            side,
          )}`,
      ],
      [
        'Deployment rework rate',
        side =>
          `${formatRate(side.deploymentReworkRate)}${ofDeployments(
            side.rework,
            side,
          )}`,
      ],
    ];
    body = (
      <>
        <Text as="p" variant="body-small">
          {verdict(split.value!)}
        </Text>
        <div className={styles.tableFrame}>
          <table className={styles.splitTable} aria-labelledby="dora-ai-split">
            <thead>
              <tr>
                <th scope="col">Measure</th>
                <th scope="col">AI-assisted</th>
                <th scope="col">Other changes</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([label, value]) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  <td>{value(aiAssisted)}</td>
                  <td>{value(other)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {split.value!.truncated && (
          <Text as="p" variant="body-x-small" color="secondary">
            The window holds more than 20,000 deployments; the newest 20,000 are
            compared.
          </Text>
        )}
      </>
    );
  }
  return (
    <section aria-labelledby="dora-ai-split" className={styles.section}>
      <div className={styles.sectionHeader}>
        <Text as="h2" id="dora-ai-split" variant="title-x-small">
          AI-assisted changes
        </Text>
        <Text as="p" variant="body-small" color="secondary">
          Is AI making this scope ship faster, or break more? A deployment
          counts on each side whose kind of change it delivered.
        </Text>
      </div>
      {body}
    </section>
  );
};
