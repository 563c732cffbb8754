import { useCallback, useEffect, useId, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Alert,
  Button,
  Cell,
  Column,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Link,
  Row,
  Skeleton,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import { RiDownloadLine } from '@remixicon/react';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  useEntityPresentation,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import type {
  DoraDeploymentPage,
  DoraDeploymentRow,
} from '@paved/plugin-dora-common';
import {
  errorMessage,
  formatDateTime,
  plural,
  saveBlob,
} from '@paved/portal-ui';
import { doraApiRef, type DoraScope } from '../../api';
import {
  describeFailure,
  describeReworkReason,
  formatDuration,
  shortSha,
} from '../../lib/format';
import type { MetricDefinition } from '../../lib/metrics';
import styles from './dashboard.module.css';

export const DEPLOYMENTS_PAGE_SIZE = 25;

const ServiceName = ({ row }: { row: DoraDeploymentRow }) => {
  const entityLink = useEntityRefLink();
  const { primaryTitle } = useEntityPresentation(
    row.entityRef ?? `component:default/${row.service}`,
  );
  if (!row.entityRef) {
    return <Text weight="bold">{row.service}</Text>;
  }
  return (
    <Link href={entityLink(row.entityRef)} weight="bold">
      {primaryTitle}
    </Link>
  );
};

/** The changes a deployment delivered, each with its lead time. */
const DeliveredChanges = ({ row }: { row: DoraDeploymentRow }) => {
  const titleId = useId();
  return (
    <div className={styles.changes}>
      <Text as="p" id={titleId} variant="body-small" weight="bold">
        {plural(row.delivered.length, 'delivered change')}
      </Text>
      <TableRoot aria-labelledby={titleId}>
        <TableHeader>
          <Column isRowHeader>Commit</Column>
          <Column>Change</Column>
          <Column>Authored</Column>
          <Column className={styles.numeric}>Lead time</Column>
        </TableHeader>
        <TableBody>
          {row.delivered.map(change => (
            <Row key={change.sha} id={change.sha}>
              <Cell>
                <code className={styles.sha} title={change.sha}>
                  {shortSha(change.sha)}
                </code>
              </Cell>
              <Cell>
                {change.changeId ?? '—'}
                {change.labels && change.labels.length > 0 && (
                  <span className={styles.labels}>
                    {change.labels.map(label => (
                      <span key={label}>{label}</span>
                    ))}
                  </span>
                )}
              </Cell>
              <Cell>
                {change.authoredAt ? formatDateTime(change.authoredAt) : '—'}
              </Cell>
              <Cell className={styles.numeric}>
                {change.leadTimeSeconds === undefined
                  ? 'unknown'
                  : formatDuration(change.leadTimeSeconds)}
              </Cell>
            </Row>
          ))}
        </TableBody>
      </TableRoot>
    </div>
  );
};

const Deployment = ({ row }: { row: DoraDeploymentRow }) => (
  <li className={styles.deployment} aria-label={`Deployment ${row.id}`}>
    <div className={styles.deploymentHeader}>
      <ServiceName row={row} />
      <Text variant="body-small" color="secondary">
        {formatDateTime(row.finishedAt)}
      </Text>
      <code className={styles.sha} title={row.commitSha}>
        {shortSha(row.commitSha)}
      </code>
      <Text variant="body-x-small" color="secondary" title="Deployment id">
        {row.id}
      </Text>
      <span className={styles.flags}>
        {row.failed && <span data-flag="failed">Failed</span>}
        {row.rework && <span data-flag="rework">Rework</span>}
        {row.rollback && <span data-flag="rollback">Rollback</span>}
      </span>
    </div>

    {row.failed && (
      <div className={styles.deploymentFacts}>
        <Text as="p" variant="body-small" weight="bold">
          Why it failed
        </Text>
        <ul>
          {row.failure.map(reason => (
            <li key={JSON.stringify(reason)}>
              <Text variant="body-small">{describeFailure(reason)}</Text>
            </li>
          ))}
        </ul>
        <Text as="p" variant="body-small">
          {row.recoverySeconds === null
            ? 'Not recovered yet'
            : `Recovered in ${formatDuration(row.recoverySeconds)}`}
        </Text>
      </div>
    )}

    {row.rework && (
      <div className={styles.deploymentFacts}>
        <Text as="p" variant="body-small" weight="bold">
          Why it is rework
        </Text>
        <ul>
          {row.reworkReasons.map(reason => (
            <li key={reason}>
              <Text variant="body-small">{describeReworkReason(reason)}</Text>
            </li>
          ))}
        </ul>
      </div>
    )}

    {row.delivered.length > 0 ? (
      <DeliveredChanges row={row} />
    ) : (
      <Text as="p" variant="body-small" color="secondary">
        Delivered no new changes (a redeploy or a rollback).
      </Text>
    )}

    {row.incidents.length > 0 && (
      <div className={styles.deploymentFacts}>
        <Text as="p" variant="body-small" weight="bold">
          Incidents
        </Text>
        <ul>
          {row.incidents.map(incident => (
            <li key={`${incident.relation}:${incident.id}`}>
              <Text variant="body-small">
                {incident.id}{' '}
                {incident.relation === 'caused'
                  ? 'attributed to this deployment'
                  : 'resolved by this deployment'}
                , opened {formatDateTime(incident.openedAt)},{' '}
                {incident.resolvedAt
                  ? `resolved ${formatDateTime(incident.resolvedAt)}`
                  : 'still open'}
              </Text>
            </li>
          ))}
        </ul>
      </div>
    )}
  </li>
);

function csvFilename(scope: DoraScope, filter: string) {
  const name = scope.entityRef
    ? parseEntityRef(scope.entityRef).name
    : 'organisation';
  return `dora-${name}-${scope.environment}-${filter}-${scope.from.slice(
    0,
    10,
  )}-${scope.to.slice(0, 10)}.csv`;
}

/**
 * The deployments behind a metric, newest first: what each delivered and
 * how long its changes took, whether it failed and which rule said so,
 * how it recovered and why it counts as rework.
 */
export const DeploymentsDialog = ({
  metric,
  scope,
  context,
  onClose,
}: {
  metric: MetricDefinition;
  scope: DoraScope;
  /** "Checkout · Last 30 days · production". */
  context: string;
  onClose: () => void;
}) => {
  const doraApi = useApi(doraApiRef);
  const [page, setPage] = useState<DoraDeploymentPage>();
  const { entityRef, from, to, environment } = scope;

  const [loadState, load] = useAsyncFn(
    async (cursor?: string) => {
      const next = await doraApi.getDeployments(
        { entityRef, from, to, environment },
        { filter: metric.drillDown, limit: DEPLOYMENTS_PAGE_SIZE, cursor },
      );
      setPage(previous =>
        cursor && previous
          ? { ...next, items: [...previous.items, ...next.items] }
          : next,
      );
    },
    [doraApi, entityRef, from, to, environment, metric],
  );
  useEffect(() => {
    setPage(undefined);
    load();
  }, [load]);

  const [downloadState, download] = useAsyncFn(async () => {
    const blob = await doraApi.exportCsv(
      { entityRef, from, to, environment },
      metric.drillDown,
    );
    saveBlob(blob, csvFilename(scope, metric.drillDown));
  }, [doraApi, entityRef, from, to, environment, metric]);

  const onOpenChange = useCallback(
    (open: boolean) => {
      if (!open) onClose();
    },
    [onClose],
  );

  return (
    <Dialog isOpen onOpenChange={onOpenChange} width={920} height="85vh">
      <DialogHeader>
        {metric.title}: {metric.drillDownTitle.toLocaleLowerCase('en-US')}
      </DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <Text as="p" variant="body-small" color="secondary">
            {page ? `${plural(page.totalItems, 'deployment')} · ` : ''}
            {context}. The metric is computed from exactly these deployments.
          </Text>
          {downloadState.error && (
            <Alert
              status="danger"
              title="Could not download the CSV"
              description={errorMessage(downloadState.error)}
            />
          )}
          {!page && loadState.loading && (
            <Flex direction="column" gap="2">
              <Skeleton width="100%" height={96} />
              <Skeleton width="100%" height={96} />
            </Flex>
          )}
          {page && page.items.length === 0 && (
            <Text as="p">No deployments in this window.</Text>
          )}
          {page && page.items.length > 0 && (
            <ol className={styles.deployments} aria-label="Deployments">
              {page.items.map(row => (
                <Deployment key={`${row.source}:${row.id}`} row={row} />
              ))}
            </ol>
          )}
          {loadState.error && (
            <Alert
              status="danger"
              title="Could not load the deployments"
              description={errorMessage(loadState.error)}
            />
          )}
          {page?.nextCursor && (
            <Flex justify="center">
              <Button
                variant="secondary"
                isPending={loadState.loading}
                onPress={() => load(page.nextCursor)}
              >
                Load more ({page.totalItems - page.items.length} more)
              </Button>
            </Flex>
          )}
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button
          variant="secondary"
          iconStart={<RiDownloadLine />}
          isPending={downloadState.loading}
          onPress={() => download()}
        >
          Download CSV
        </Button>
        <Button variant="primary" onPress={onClose}>
          Close
        </Button>
      </DialogFooter>
    </Dialog>
  );
};
