import { Text } from '@backstage/ui';
import type { LiveCheck } from '@paved/plugin-kube-status-common';
import styles from './shared.module.css';

const statusLabels: Record<LiveCheck['status'], string> = {
  pass: 'Pass',
  fail: 'Fail',
  'not-applicable': 'N/A',
};

/** For a table cell: the failed checks by name, or that all apply and pass. */
export const ChecksSummary = ({ checks }: { checks: LiveCheck[] }) => {
  if (checks.length === 0) {
    return <Text color="secondary">—</Text>;
  }
  const failed = checks.filter(c => c.status === 'fail');
  if (failed.length === 0) {
    const applicable = checks.filter(c => c.status === 'pass').length;
    return (
      <Text variant="body-small" color="secondary">
        {applicable} of {applicable} pass
      </Text>
    );
  }
  return (
    <Text variant="body-small">
      <span className={styles.problemReason}>Failed:</span>{' '}
      {failed.map(c => c.title).join(', ')}
    </Text>
  );
};

/** Every golden-path check of a workload with what was found. */
export const CheckList = ({ checks }: { checks: LiveCheck[] }) => {
  if (checks.length === 0) {
    return (
      <Text as="p" variant="body-small" color="secondary">
        No checks were run on this workload.
      </Text>
    );
  }
  return (
    <ul className={styles.checks} aria-label="Live checks">
      {checks.map(check => (
        <li key={check.id} className={styles.check}>
          <span className={styles.checkStatus} data-status={check.status}>
            {statusLabels[check.status]}
          </span>
          <Text variant="body-small">
            <strong>{check.title}</strong>
            {check.detail ? ` — ${check.detail}` : ''}
          </Text>
        </li>
      ))}
    </ul>
  );
};
