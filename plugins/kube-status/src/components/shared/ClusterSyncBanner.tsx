import { Alert } from '@backstage/ui';
import type { ClusterSyncStatus } from '@paved/plugin-kube-status-common';
import { formatUtcDateTime } from '@paved/portal-ui';
import { formatRelative } from '../../lib/format';
import { clusterWarnings } from '../../lib/workloads';

/**
 * Says which clusters' data may be stale or incomplete: the backend serves
 * from a watch cache, and a cluster it cannot reach (or a resource type it
 * may not read) leaves parts of the page as they were.
 */
export const ClusterSyncBanner = ({
  clusters,
}: {
  clusters: ClusterSyncStatus[];
}) => {
  const warnings = clusterWarnings(
    clusters,
    iso => `${formatRelative(iso)} (${formatUtcDateTime(iso)})`,
  );
  if (warnings.length === 0) return null;
  return (
    <section aria-label="Cluster sync problems">
      <Alert
        status="warning"
        icon
        title="Some Kubernetes data may be stale"
        description={
          <ul style={{ margin: 0, paddingLeft: '1.2em' }}>
            {warnings.map(w => (
              <li key={`${w.cluster}: ${w.text}`}>
                Cluster <strong>{w.cluster}</strong> {w.text}
              </li>
            ))}
          </ul>
        }
      />
    </section>
  );
};
