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
import type { EntityCost } from '@paved/plugin-cost-common';
import {
  formatMoney,
  formatPeriod,
  formatSignedPercent,
} from '../../lib/format';
import styles from './cost.module.css';

/** Per month: what Paved allocated against what the bill says for the same scope. */
export const Reconciliation = ({ cost }: { cost: EntityCost }) => (
  <Card aria-labelledby="cost-reconciliation-title">
    <CardHeader>
      <Text as="h2" id="cost-reconciliation-title" variant="title-x-small">
        Reconciliation with the bill
      </Text>
      <Text as="p" variant="body-x-small" color="secondary">
        Allocated cost against the billed effective cost (FOCUS), per month
      </Text>
    </CardHeader>
    <CardBody>
      {cost.reconciliation.length === 0 ? (
        <Text as="p" variant="body-small" color="secondary">
          No billing export covers this window, so there is nothing to reconcile
          with.
        </Text>
      ) : (
        <div className={styles.tableFrame}>
          <TableRoot aria-label="Reconciliation per month">
            <TableHeader>
              <Column isRowHeader>Month</Column>
              <Column className={styles.numeric}>Allocated</Column>
              <Column className={styles.numeric}>Billed</Column>
              <Column className={styles.numeric}>Difference</Column>
            </TableHeader>
            <TableBody>
              {cost.reconciliation.map(month => (
                <Row key={month.month} id={month.month}>
                  <CellText title={formatPeriod(month.month)} />
                  <Cell className={styles.numeric}>
                    {formatMoney(month.allocated, cost.currency)}
                  </Cell>
                  <Cell className={styles.numeric}>
                    {formatMoney(month.billed, cost.currency)}
                  </Cell>
                  <Cell className={styles.numeric}>
                    {month.differencePercent === null
                      ? 'Nothing billed'
                      : formatSignedPercent(month.differencePercent)}
                  </Cell>
                </Row>
              ))}
            </TableBody>
          </TableRoot>
        </div>
      )}
      {cost.reconciliation.length > 0 && (
        <Text as="p" variant="body-x-small" color="secondary">
          Billed is the FOCUS rows matched to this scope and, for what runs on
          Kubernetes, its share of the bill for the clusters&apos; nodes (rows
          tagged with the cluster&apos;s name, such as eks:cluster-name).
          OpenCost prices nodes at list price, so discounts show as more
          allocated than billed; without node rows in the export, a scope on
          Kubernetes has nothing billed to compare its cluster cost with.
        </Text>
      )}
    </CardBody>
  </Card>
);
