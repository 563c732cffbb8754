import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import type { WorkloadStatus } from '@paved/plugin-kube-status-common';
import { plural } from '@paved/portal-ui';
import { environmentOf, shortImage } from '../../lib/format';
import { CheckList, HealthChip, ProblemList, RolloutState } from '../shared';
import shared from '../shared/shared.module.css';
import { RolloutHistory } from './RolloutHistory';
import styles from './ComponentWorkloadsContent.module.css';

/** One workload of a component: its state, its problems, its checks and its history. */
export const WorkloadDetails = ({ workload }: { workload: WorkloadStatus }) => {
  const { replicas, autoscaler } = workload;
  const titleId = `workload-${workload.cluster}-${workload.namespace}-${workload.name}`;
  return (
    <Card aria-labelledby={titleId}>
      <CardHeader>
        <Flex justify="between" align="center" gap="2">
          <Text as="h2" id={titleId} variant="title-x-small">
            {environmentOf(workload)} · {workload.kind} {workload.name}
          </Text>
          <HealthChip health={workload.health} />
        </Flex>
        <Text as="p" variant="body-small" color="secondary">
          Cluster {workload.cluster} · namespace {workload.namespace} ·{' '}
          {workload.summary}
        </Text>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="4">
          <dl className={styles.facts}>
            <div>
              <dt>Replicas</dt>
              <dd>
                {replicas.ready}/{replicas.desired} ready · {replicas.updated}{' '}
                updated · {replicas.available} available
                {autoscaler &&
                  ` · autoscaled ${autoscaler.minReplicas}–${autoscaler.maxReplicas}`}
              </dd>
            </div>
            <div>
              <dt>Rollout</dt>
              <dd>
                <RolloutState rollout={workload.rollout} />
              </dd>
            </div>
            <div>
              <dt>Restarts</dt>
              <dd>{plural(workload.restarts, 'restart')}</dd>
            </div>
            <div>
              <dt>Images</dt>
              <dd>
                <ul className={shared.images}>
                  {workload.images.map(image => (
                    <li key={image} title={image}>
                      {shortImage(image)}
                    </li>
                  ))}
                </ul>
              </dd>
            </div>
          </dl>
          {workload.problems.length > 0 && (
            <section className={styles.section}>
              <Text as="h3" variant="body-medium" weight="bold">
                Failing pods
              </Text>
              <ProblemList problems={workload.problems} />
            </section>
          )}
          <section className={styles.section}>
            <Text as="h3" variant="body-medium" weight="bold">
              Checks
            </Text>
            <CheckList checks={workload.checks} />
          </section>
          <section className={styles.section}>
            <Text as="h3" variant="body-medium" weight="bold">
              Rollout history
            </Text>
            <RolloutHistory workload={workload} />
          </section>
        </Flex>
      </CardBody>
    </Card>
  );
};
