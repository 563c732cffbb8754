import { Fragment, useMemo } from 'react';
import { Progress } from '@backstage/core-components';
import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import {
  Cell,
  Column,
  Flex,
  Link,
  Row,
  Select,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  useEntity,
  useEntityPresentation,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import type { TeamKubeStatus } from '@paved/plugin-kube-status-common';
import { filterStyles, plural } from '@paved/portal-ui';
import { useTeamKubeStatus } from '../../hooks/usePolledStatus';
import { shortImage } from '../../lib/format';
import {
  clusterWarnings,
  componentTitle,
  environmentsOf,
  teamRows,
  teamSummary,
  type WorkloadRow,
} from '../../lib/workloads';
import {
  ChecksSummary,
  ClusterSyncBanner,
  HealthChip,
  NoKubernetesWorkloads,
  ProblemList,
  RefreshNote,
  RolloutState,
  StatusError,
} from '../shared';
import styles from './TeamWorkloadsContent.module.css';
import shared from '../shared/shared.module.css';

const ALL_ENVIRONMENTS = 'all';
const COLUMNS = 9;

/**
 * A component's name, linking to its page, and which workload of it this
 * is, in small type that may wrap: nine columns share the width.
 */
const ComponentCell = ({ row }: { row: WorkloadRow }) => {
  const entityLink = useEntityRefLink();
  return (
    <Cell>
      <Link href={entityLink(row.componentRef)}>{row.componentTitle}</Link>
      <Text as="p" variant="body-x-small" color="secondary">
        {row.workload.kind} {row.workload.name}
      </Text>
    </Cell>
  );
};

const WorkloadTableRow = ({
  row,
  stale,
}: {
  row: WorkloadRow;
  /** The row's cluster is not in sync: what it shows may be old. */
  stale: boolean;
}) => {
  const { workload } = row;
  const { replicas, autoscaler } = workload;
  const hasProblems = workload.problems.length > 0;
  return (
    <Fragment>
      <Row
        id={row.id}
        className={hasProblems ? shared.rowWithDetails : undefined}
      >
        <ComponentCell row={row} />
        <Cell>{row.environment}</Cell>
        <Cell>
          {workload.cluster}
          <Text as="p" variant="body-x-small" color="secondary">
            {workload.namespace}
          </Text>
          {stale && (
            <Text as="p" variant="body-x-small" color="warning">
              may be stale
            </Text>
          )}
        </Cell>
        <Cell>
          <HealthChip health={workload.health} />
          <Text as="p" variant="body-x-small" color="secondary">
            {workload.summary}
          </Text>
        </Cell>
        <Cell>
          <RolloutState rollout={workload.rollout} />
        </Cell>
        <Cell className={shared.numeric}>
          {replicas.ready}/{replicas.desired} ready
          {autoscaler && (
            <Text as="p" variant="body-x-small" color="secondary">
              autoscaled {autoscaler.minReplicas}–{autoscaler.maxReplicas}
            </Text>
          )}
          {workload.restarts > 0 && (
            <Text as="p" variant="body-x-small" color="secondary">
              {plural(workload.restarts, 'restart')}
            </Text>
          )}
        </Cell>
        <Cell>
          <ul className={shared.images}>
            {workload.images.map(image => (
              <li key={image} title={image}>
                {shortImage(image)}
              </li>
            ))}
          </ul>
        </Cell>
        <Cell>
          {hasProblems ? (
            <Text variant="body-small" className={shared.danger}>
              {plural(workload.problems.length, 'failing pod')}
            </Text>
          ) : (
            <Text variant="body-small" color="secondary">
              None
            </Text>
          )}
        </Cell>
        <Cell>
          <ChecksSummary checks={workload.checks} />
        </Cell>
      </Row>
      {hasProblems && (
        <Row id={`${row.id}:problems`} className={shared.detailsRow}>
          <Cell colSpan={COLUMNS}>
            <ProblemList problems={workload.problems} />
          </Cell>
        </Row>
      )}
    </Fragment>
  );
};

const WorkloadsTable = ({
  status,
  environment,
}: {
  status: TeamKubeStatus;
  environment?: string;
}) => {
  const rows = useMemo(
    () => teamRows(status, environment),
    [status, environment],
  );
  const staleClusters = useMemo(
    () =>
      new Set(clusterWarnings(status.clusters, () => '').map(w => w.cluster)),
    [status.clusters],
  );
  if (rows.length === 0) {
    return (
      <Text as="p" color="secondary">
        {environment
          ? `No workloads in ${environment}.`
          : 'None of these components has a workload in any cluster yet. Check that the workloads carry the label the annotation names.'}
      </Text>
    );
  }
  return (
    <div className={shared.tableFrame}>
      <TableRoot aria-label="Workloads">
        <TableHeader>
          <Column isRowHeader>Component</Column>
          <Column>Environment</Column>
          <Column>Cluster</Column>
          <Column>Health</Column>
          <Column>Rollout</Column>
          <Column>Replicas</Column>
          <Column>Images</Column>
          <Column>Pods</Column>
          <Column>Checks</Column>
        </TableHeader>
        <TableBody>
          {rows.map(row => (
            <WorkloadTableRow
              key={row.id}
              row={row}
              stale={staleClusters.has(row.workload.cluster)}
            />
          ))}
        </TableBody>
      </TableRoot>
    </div>
  );
};

/** Components whose annotation matches no workload: a typo, or labels missing. */
const NotFound = ({
  components,
  environment,
}: {
  components: TeamKubeStatus['components'];
  environment?: string;
}) => {
  // Per environment, a missing workload is normal (not every service runs everywhere).
  if (environment) return null;
  const missing = components.filter(c => c.workloads.length === 0);
  if (missing.length === 0) return null;
  return (
    <Text as="p" variant="body-small" color="secondary">
      No workload in any cluster for{' '}
      {missing.map(c => `${componentTitle(c)} (${c.matchedBy})`).join(', ')}.
      Check that the workloads and their pods carry the label the annotation
      names.
    </Text>
  );
};

/**
 * The "Workloads" tab of a group or a system: every workload of its
 * components in every cluster and environment, worst first, with what is
 * wrong and how to fix it. Refreshes itself.
 */
export const TeamWorkloadsContent = () => {
  const { entity } = useEntity();
  const { primaryTitle } = useEntityPresentation(entity);
  const entityRef = stringifyEntityRef(entity);
  const { value, error, loading, updatedAt, refresh } =
    useTeamKubeStatus(entityRef);
  const [params, setParams] = useAppSearchParams();

  // Components the backend found no annotation on have nothing to show.
  const connected = useMemo(
    () =>
      value
        ? { ...value, components: value.components.filter(c => c.matchedBy) }
        : undefined,
    [value],
  );
  const environments = useMemo(
    () =>
      connected
        ? environmentsOf(connected.components.flatMap(c => c.workloads))
        : [],
    [connected],
  );
  const requested = params.get('environment') ?? undefined;
  // An environment from a shared link that has no workload (any more) shows everything.
  const environment =
    requested && environments.includes(requested) ? requested : undefined;

  if (loading) return <Progress />;
  if (!connected) {
    return (
      <StatusError
        error={error!}
        subject={`the workloads of ${primaryTitle}`}
        onRetry={refresh}
      />
    );
  }

  if (connected.components.length === 0) {
    return (
      <Flex direction="column" gap="4" className={styles.content}>
        <NoKubernetesWorkloads name={primaryTitle} />
      </Flex>
    );
  }

  return (
    <Flex direction="column" gap="4" className={styles.content}>
      <ClusterSyncBanner clusters={connected.clusters} />
      <div className={filterStyles.filters}>
        <Select
          label="Environment"
          className={filterStyles.select}
          selectedKey={environment ?? ALL_ENVIRONMENTS}
          onSelectionChange={key =>
            key !== null &&
            setParams(
              previous => {
                const next = new URLSearchParams(previous);
                if (key === ALL_ENVIRONMENTS) next.delete('environment');
                else next.set('environment', String(key));
                return next;
              },
              { replace: true },
            )
          }
          options={[
            { id: ALL_ENVIRONMENTS, label: 'All environments' },
            ...environments.map(e => ({ id: e, label: e })),
          ]}
        />
        <div className={filterStyles.filtersEnd}>
          <RefreshNote updatedAt={updatedAt} error={error} />
        </div>
      </div>
      <Text as="p" variant="title-x-small">
        {teamSummary(connected.components, environment)}
      </Text>
      <WorkloadsTable status={connected} environment={environment} />
      <NotFound components={connected.components} environment={environment} />
    </Flex>
  );
};
