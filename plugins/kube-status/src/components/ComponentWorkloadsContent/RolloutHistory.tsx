import {
  Cell,
  Column,
  Row,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import type { WorkloadStatus } from '@paved/plugin-kube-status-common';
import { chipStyles, formatUtcDateTime } from '@paved/portal-ui';
import { formatRelative, shortImage } from '../../lib/format';
import shared from '../shared/shared.module.css';

/** A workload's revisions, newest first, the one it rolls towards marked. */
export const RolloutHistory = ({ workload }: { workload: WorkloadStatus }) => {
  if (workload.history.length === 0) {
    return (
      <Text as="p" variant="body-small" color="secondary">
        {workload.kind === 'Deployment'
          ? 'No revisions found for this Deployment.'
          : `A ${workload.kind} keeps no ReplicaSets, so there is no revision history to show.`}
      </Text>
    );
  }
  const revisions = [...workload.history].sort(
    (a, b) => b.revision - a.revision,
  );
  const now = new Date();
  return (
    <div className={shared.tableFrame}>
      <TableRoot
        aria-label={`Rollout history of ${workload.name} in ${workload.cluster}`}
      >
        <TableHeader>
          <Column isRowHeader>Revision</Column>
          <Column>Images</Column>
          <Column>Created</Column>
          <Column>Ready / total</Column>
        </TableHeader>
        <TableBody>
          {revisions.map(revision => (
            <Row key={revision.name} id={revision.name}>
              <Cell className={shared.numeric}>
                {revision.revision}{' '}
                {revision.current && (
                  <span className={chipStyles.chip} data-tone="info">
                    Current
                  </span>
                )}
                <Text as="p" variant="body-x-small" color="secondary">
                  {revision.name}
                </Text>
              </Cell>
              <Cell>
                <ul className={shared.images}>
                  {revision.images.map(image => (
                    <li key={image} title={image}>
                      {shortImage(image)}
                    </li>
                  ))}
                </ul>
              </Cell>
              <Cell>
                <span title={formatUtcDateTime(revision.created)}>
                  {formatRelative(revision.created, now)}
                </span>
                <Text as="p" variant="body-x-small" color="secondary">
                  {formatUtcDateTime(revision.created)}
                </Text>
              </Cell>
              <Cell className={shared.numeric}>
                {revision.readyReplicas}/{revision.replicas}
              </Cell>
            </Row>
          ))}
        </TableBody>
      </TableRoot>
    </div>
  );
};
