import { useId } from 'react';
import { Link, Text } from '@backstage/ui';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import type { ScorecardException } from '@paved/plugin-scorecards-common';
import {
  formatDateTime,
  formatDay,
  type ChipTone,
  chipStyles,
} from '@paved/portal-ui';
import styles from './scorecard.module.css';

const statusTones: Record<ScorecardException['status'], ChipTone | undefined> =
  {
    pending: 'info',
    approved: 'warning',
    rejected: undefined,
    expired: undefined,
  };

const statusLabels: Record<ScorecardException['status'], string> = {
  pending: 'Waiting for a decision',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Ended',
};

export const ExceptionStatusChip = ({
  status,
}: {
  status: ScorecardException['status'];
}) => (
  <span className={chipStyles.chip} data-tone={statusTones[status]}>
    {statusLabels[status]}
  </span>
);

/** A user or group ref as people read it: its name. */
export const who = (ref: string | null) =>
  ref ? ref.replace(/^.*\//, '') : '';

/**
 * Exceptions with who asked and decided, when and why — the audit trail
 * in a table; with `showComponent`, each row names its component.
 */
export const ExceptionsTable = ({
  title,
  exceptions,
  showComponent = false,
  headingLevel = 'h2',
}: {
  title: string;
  exceptions: ScorecardException[];
  showComponent?: boolean;
  headingLevel?: 'h2' | 'h3';
}) => {
  const titleId = useId();
  const entityLink = useEntityRefLink();
  return (
    <section aria-labelledby={titleId}>
      <Text as={headingLevel} variant="title-small" id={titleId}>
        {title}
      </Text>
      <table className={styles.levels} aria-labelledby={titleId}>
        <thead>
          <tr>
            {showComponent && <th scope="col">Component</th>}
            <th scope="col">Check</th>
            <th scope="col">Status</th>
            <th scope="col">Until</th>
            <th scope="col">Asked</th>
            <th scope="col">Decided</th>
          </tr>
        </thead>
        <tbody>
          {exceptions.map(e => (
            <tr key={e.id}>
              {showComponent && (
                <td>
                  <Link href={`${entityLink(e.entityRef)}/scorecard`}>
                    {e.entityTitle ?? who(e.entityRef)}
                  </Link>
                </td>
              )}
              <th scope="row">{e.checkTitle}</th>
              <td>
                <ExceptionStatusChip status={e.status} />
              </td>
              <td>{formatDay(e.expiresAt)}</td>
              <td>
                {who(e.requestedBy)}, {formatDateTime(e.requestedAt)}: “
                {e.reason}”
              </td>
              <td>
                {e.decidedBy
                  ? `${who(e.decidedBy)}, ${formatDateTime(e.decidedAt!)}${
                      e.decisionNote ? `: “${e.decisionNote}”` : ''
                    }`
                  : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
};
