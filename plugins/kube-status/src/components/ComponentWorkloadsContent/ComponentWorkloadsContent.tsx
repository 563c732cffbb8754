import { useMemo } from 'react';
import { Progress } from '@backstage/core-components';
import { Card, CardBody, Flex, Text } from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  useEntity,
  useEntityPresentation,
} from '@backstage/plugin-catalog-react';
import { WORKLOAD_HEALTH_ORDER } from '@paved/plugin-kube-status-common';
import { useEntityKubeStatus } from '../../hooks/usePolledStatus';
import { compareEnvironments, environmentOf } from '../../lib/format';
import { workloadKey } from '../../lib/workloads';
import { ClusterSyncBanner, RefreshNote, StatusError } from '../shared';
import { WorkloadDetails } from './WorkloadDetails';
import styles from './ComponentWorkloadsContent.module.css';

/**
 * The "Workloads" tab of a component: each of its workloads, worst first,
 * with its pods' problems, its checks and its rollout history. Refreshes
 * itself.
 */
export const ComponentWorkloadsContent = () => {
  const { entity } = useEntity();
  const { primaryTitle } = useEntityPresentation(entity);
  const { value, error, loading, updatedAt, refresh } = useEntityKubeStatus(
    stringifyEntityRef(entity),
  );
  const workloads = useMemo(
    () =>
      [...(value?.workloads ?? [])].sort(
        (a, b) =>
          WORKLOAD_HEALTH_ORDER.indexOf(a.health) -
            WORKLOAD_HEALTH_ORDER.indexOf(b.health) ||
          compareEnvironments(environmentOf(a), environmentOf(b)) ||
          a.cluster.localeCompare(b.cluster),
      ),
    [value],
  );

  if (loading) return <Progress />;
  if (!value) {
    return (
      <StatusError
        error={error!}
        subject={`the workloads of ${primaryTitle}`}
        onRetry={refresh}
      />
    );
  }

  return (
    <Flex direction="column" gap="4" className={styles.content}>
      <ClusterSyncBanner clusters={value.clusters} />
      <RefreshNote updatedAt={updatedAt} error={error} />
      {workloads.length === 0 ? (
        <Card>
          <CardBody>
            <Text as="p">
              No Deployment, StatefulSet or DaemonSet matches{' '}
              <code>{value.matchedBy}</code> in any cluster. The workloads (and
              their pods) need the label the annotation names; the Kubernetes
              tab shows what the clusters hold.
            </Text>
          </CardBody>
        </Card>
      ) : (
        workloads.map(workload => (
          <WorkloadDetails key={workloadKey(workload)} workload={workload} />
        ))
      )}
    </Flex>
  );
};
