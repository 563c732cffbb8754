import { Progress } from '@backstage/core-components';
import {
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  Flex,
  Link,
  Text,
} from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  useEntity,
  useEntityPresentation,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import { plural } from '@paved/portal-ui';
import { useEntityKubeStatus } from '../../hooks/usePolledStatus';
import { environmentStatuses } from '../../lib/workloads';
import {
  ClusterSyncBanner,
  HealthChip,
  RefreshNote,
  StatusError,
} from '../shared';
import styles from './EntityKubeStatusCard.module.css';

/**
 * A component's live Kubernetes health at a glance: overall, then one line
 * per environment with its ready replicas, version and problem.
 */
export const EntityKubeStatusCard = () => {
  const { entity } = useEntity();
  const { primaryTitle } = useEntityPresentation(entity);
  const entityLink = useEntityRefLink();
  const { value, error, loading, updatedAt, refresh } = useEntityKubeStatus(
    stringifyEntityRef(entity),
  );
  const tabHref = `${entityLink(entity)}/workloads`;

  let body;
  if (loading) {
    body = <Progress />;
  } else if (!value) {
    body = (
      <StatusError
        error={error!}
        subject={`the Kubernetes status of ${primaryTitle}`}
        onRetry={refresh}
      />
    );
  } else if (value.workloads.length === 0) {
    body = (
      <Text as="p" color="secondary">
        No workload matches <code>{value.matchedBy}</code> in any cluster. Label
        the Deployment and its pods with the same value, or check the
        annotation.
      </Text>
    );
  } else {
    body = (
      <Flex direction="column" gap="3">
        <Flex align="center" gap="2">
          <HealthChip health={value.health} />
          <Text variant="body-small" color="secondary">
            {plural(value.workloads.length, 'workload')} in{' '}
            {plural(
              new Set(value.workloads.map(w => w.cluster)).size,
              'cluster',
            )}
          </Text>
        </Flex>
        <ClusterSyncBanner clusters={value.clusters} />
        <ul className={styles.environments} aria-label="Environments">
          {environmentStatuses(value.workloads).map(env => (
            <li key={env.environment} className={styles.environment}>
              <span className={styles.environmentName}>{env.environment}</span>
              <HealthChip health={env.health} />
              <span className={styles.facts}>
                {env.ready}/{env.desired} ready
                {env.versions.length > 0 ? ` · ${env.versions.join(', ')}` : ''}
              </span>
              {env.problem && (
                <span className={styles.problem}>{env.problem}</span>
              )}
            </li>
          ))}
        </ul>
        <RefreshNote updatedAt={updatedAt} error={error} />
      </Flex>
    );
  }

  return (
    <Card aria-labelledby="kube-status-card-title">
      <CardHeader>
        <Text as="h2" id="kube-status-card-title" variant="title-x-small">
          Kubernetes
        </Text>
      </CardHeader>
      <CardBody>{body}</CardBody>
      <CardFooter>
        <Link href={tabHref}>Workloads, rollouts and checks</Link>
      </CardFooter>
    </Card>
  );
};
