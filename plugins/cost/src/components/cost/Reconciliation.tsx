import { Card, CardBody, CardHeader, Text } from '@backstage/ui';
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
          <table className={styles.table} aria-label="Reconciliation per month">
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col" data-numeric>
                  Allocated
                </th>
                <th scope="col" data-numeric>
                  Billed
                </th>
                <th scope="col" data-numeric>
                  Difference
                </th>
              </tr>
            </thead>
            <tbody>
              {cost.reconciliation.map(month => (
                <tr key={month.month}>
                  <th scope="row">{formatPeriod(month.month)}</th>
                  <td data-numeric>
                    {formatMoney(month.allocated, cost.currency)}
                  </td>
                  <td data-numeric>
                    {formatMoney(month.billed, cost.currency)}
                  </td>
                  <td data-numeric>
                    {month.differencePercent === null
                      ? 'Nothing billed'
                      : formatSignedPercent(month.differencePercent)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
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
