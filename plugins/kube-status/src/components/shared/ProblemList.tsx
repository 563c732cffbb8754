import { Text } from '@backstage/ui';
import type { PodProblem } from '@paved/plugin-kube-status-common';
import { plural } from '@paved/portal-ui';
import { groupProblems } from '../../lib/workloads';
import styles from './shared.module.css';

const MAX_PODS_NAMED = 3;

/**
 * Failing pods grouped by reason, each with Kubernetes' message and what a
 * developer can do about it.
 */
export const ProblemList = ({ problems }: { problems: PodProblem[] }) => (
  <ul className={styles.problems} aria-label="Pod problems">
    {groupProblems(problems).map(group => {
      const named = group.pods.slice(0, MAX_PODS_NAMED).join(', ');
      const more = group.pods.length - MAX_PODS_NAMED;
      return (
        <li key={group.reason} className={styles.problem}>
          <Text as="p" variant="body-small">
            <span className={styles.problemReason}>{group.reason}</span>
            {' · '}
            {plural(group.pods.length, 'pod')}: {named}
            {more > 0 ? ` and ${more} more` : ''}
            {group.restarts > 0
              ? ` · ${plural(group.restarts, 'restart')}`
              : ''}
          </Text>
          {group.message && (
            <Text as="p" variant="body-small" color="secondary">
              {group.message}
            </Text>
          )}
          <Text as="p" variant="body-small" className={styles.fix}>
            <strong>Suggested fix:</strong> {group.suggestedFix}
          </Text>
        </li>
      );
    })}
  </ul>
);
