import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/frontend-plugin-api';
import { ResponseErrorPanel } from '@backstage/core-components';
import {
  Card,
  CardBody,
  CardHeader,
  Cell,
  CellText,
  Column,
  Row,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  costOrganisationReadPermission,
  type UnattributedRow,
} from '@paved/plugin-cost-common';
import { costApiRef, type CostWindow } from '../../api';
import { formatMoney, formatShare } from '../../lib/format';
import { COST_ALLOCATION_ANNOTATION } from './CostStates';
import styles from './cost.module.css';

function whereFrom(row: UnattributedRow): string {
  const parts = [
    row.cluster,
    row.namespace,
    row.serviceName,
    row.resourceName,
  ].filter((part): part is string => Boolean(part));
  return parts.length > 0 ? parts.join(' / ') : '—';
}

/** A label set as `key=value` chips, or "no labels". */
const LabelList = ({ labels }: { labels: Record<string, string> }) => (
  <span className={styles.labelList}>
    {Object.entries(labels).length === 0 ? (
      <Text variant="body-small" color="secondary">
        no labels
      </Text>
    ) : (
      Object.entries(labels).map(([key, label]) => (
        <code key={key}>
          {key}={label}
        </code>
      ))
    )}
  </span>
);

/**
 * The organisation's cost no entity claims, with the labels that matched
 * nothing, so nobody takes the team views for the whole bill. Only admins
 * may read it; for everyone else this renders nothing and asks nothing of
 * the backend.
 */
export const UnattributedCostSection = ({ window }: { window: CostWindow }) => {
  const costApi = useApi(costApiRef);
  // Asked only of those who may read it: nobody else's page load ends in
  // a 403.
  const { allowed } = usePermission({
    permission: costOrganisationReadPermission,
  });
  const { value, error } = useAsync(
    async () => (allowed ? costApi.getUnattributed(window) : undefined),
    [costApi, allowed, window.from, window.to],
  );
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load unattributed cost"
      />
    );
  }
  if (!value) return null;
  const { currency } = value;
  return (
    <Card aria-labelledby="cost-unattributed-title">
      <CardHeader>
        <Text as="h2" id="cost-unattributed-title" variant="title-x-small">
          Unattributed cost of the organisation
        </Text>
        <Text as="p" variant="body-small" color="secondary">
          {formatMoney(value.unattributed, currency)} of{' '}
          {formatMoney(value.organisationTotal, currency)} (
          {formatShare(1 - value.attributedShare)}) matched no catalog entity;{' '}
          {formatShare(value.attributedShare)} is attributed. Shown to admins
          only. Give the owning component a{' '}
          <code>{COST_ALLOCATION_ANNOTATION}</code> selector that matches these
          labels.
        </Text>
      </CardHeader>
      <CardBody>
        {value.rows.length === 0 ? (
          <Text as="p" variant="body-small" color="secondary">
            Every cost row matched an entity.
          </Text>
        ) : (
          <div className={styles.tableFrame}>
            <TableRoot aria-label="Unmatched labels">
              <TableHeader>
                <Column isRowHeader>Labels</Column>
                <Column>Where</Column>
                <Column className={styles.numeric}>Cost</Column>
              </TableHeader>
              <TableBody>
                {value.rows.map((row, index) => (
                  <Row key={index} id={index}>
                    <Cell>
                      <LabelList labels={row.labels} />
                    </Cell>
                    <CellText title={whereFrom(row)} />
                    <Cell className={styles.numeric}>
                      {formatMoney(row.cost, currency)}
                    </Cell>
                  </Row>
                ))}
              </TableBody>
            </TableRoot>
          </div>
        )}
        {value.conflicts.length > 0 && (
          <>
            <Text as="h3" variant="body-medium" weight="bold">
              Claimed by more than one team
            </Text>
            <Text as="p" variant="body-small" color="secondary">
              Entities of different owners select these labels, so their cost
              goes to none of them until the owners agree on whose{' '}
              <code>{COST_ALLOCATION_ANNOTATION}</code> selector keeps them.
            </Text>
            <div className={styles.tableFrame}>
              <TableRoot aria-label="Conflicting allocation claims">
                <TableHeader>
                  <Column isRowHeader>Labels</Column>
                  <Column>Claimed by</Column>
                  <Column className={styles.numeric}>Cost</Column>
                </TableHeader>
                <TableBody>
                  {value.conflicts.map((conflict, index) => (
                    <Row key={index} id={index}>
                      <Cell>
                        <LabelList labels={conflict.labels} />
                      </Cell>
                      <Cell>
                        <ul className={styles.claims}>
                          {conflict.claims.map(claim => (
                            <li key={claim.entityRef}>
                              {claim.entityRef} ({claim.owner ?? 'no owner'}):{' '}
                              <code>{claim.selector}</code>
                            </li>
                          ))}
                        </ul>
                      </Cell>
                      <Cell className={styles.numeric}>
                        {formatMoney(conflict.cost, currency)}
                      </Cell>
                    </Row>
                  ))}
                </TableBody>
              </TableRoot>
            </div>
          </>
        )}
      </CardBody>
    </Card>
  );
};
