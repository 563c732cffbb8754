import { Text } from '@backstage/ui';
import type { WorkloadStatus } from '@paved/plugin-kube-status-common';
import { formatDateTime, formatRelative, shortImage } from '../../lib/format';
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
      <table
        className={shared.table}
        aria-label={`Rollout history of ${workload.name} in ${workload.cluster}`}
      >
        <thead>
          <tr>
            <th scope="col">Revision</th>
            <th scope="col">Images</th>
            <th scope="col">Created</th>
            <th scope="col">Ready / total</th>
          </tr>
        </thead>
        <tbody>
          {revisions.map(revision => (
            <tr key={revision.name}>
              <th scope="row" className={shared.numeric}>
                {revision.revision}{' '}
                {revision.current && (
                  <span className={`${shared.chip} ${shared.current}`}>
                    Current
                  </span>
                )}
                <Text as="p" variant="body-x-small" color="secondary">
                  {revision.name}
                </Text>
              </th>
              <td>
                <ul className={shared.images}>
                  {revision.images.map(image => (
                    <li key={image} title={image}>
                      {shortImage(image)}
                    </li>
                  ))}
                </ul>
              </td>
              <td>
                <span title={formatDateTime(revision.created)}>
                  {formatRelative(revision.created, now)}
                </span>
                <Text as="p" variant="body-x-small" color="secondary">
                  {formatDateTime(revision.created)}
                </Text>
              </td>
              <td className={shared.numeric}>
                {revision.readyReplicas}/{revision.replicas}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};
