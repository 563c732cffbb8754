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
import type { CostAnomaly, EntityCost } from '@paved/plugin-cost-common';
import { formatNumber } from '@paved/portal-ui';
import { categoryLabels, formatMoney, formatPeriod } from '../../lib/format';
import styles from './cost.module.css';

/** What changed on the day, in words: the category that moved, from what to what. */
export function describeChange(anomaly: CostAnomaly, currency: string): string {
  const { change } = anomaly;
  if (!change) {
    return anomaly.direction === 'spike' ? 'Cost rose' : 'Cost fell';
  }
  return `${categoryLabels[change.category]} ${
    anomaly.direction === 'spike' ? 'rose' : 'fell'
  } to ${formatMoney(change.cost, currency)}, from ${formatMoney(
    change.baselineMean,
    currency,
  )} a day on average`;
}

/**
 * Days far outside the scope's recent baseline, with the numbers behind
 * each flag and what changed (the cost category that moved).
 */
export const Anomalies = ({ cost }: { cost: EntityCost }) => (
  <Card aria-labelledby="cost-anomalies-title">
    <CardHeader>
      <Text as="h2" id="cost-anomalies-title" variant="title-x-small">
        Anomalies
      </Text>
      <Text as="p" variant="body-x-small" color="secondary">
        Days whose cost was far from the mean of the 14 days before them, and
        what changed
      </Text>
    </CardHeader>
    <CardBody>
      {cost.anomalies.length === 0 ? (
        <Text as="p" variant="body-small" color="secondary">
          No day in this window was far outside its baseline.
        </Text>
      ) : (
        <div className={styles.tableFrame}>
          <TableRoot aria-label="Cost anomalies">
            <TableHeader>
              <Column isRowHeader>Day</Column>
              <Column className={styles.numeric}>Cost</Column>
              <Column>What changed</Column>
              <Column className={styles.numeric}>Baseline (mean ± sd)</Column>
              <Column className={styles.numeric}>Score</Column>
            </TableHeader>
            <TableBody>
              {cost.anomalies.map(anomaly => (
                <Row key={anomaly.day} id={anomaly.day}>
                  <CellText title={formatPeriod(anomaly.day)} />
                  <Cell className={styles.numeric}>
                    {formatMoney(anomaly.cost, cost.currency)}
                  </Cell>
                  <CellText title={describeChange(anomaly, cost.currency)} />
                  <Cell className={styles.numeric}>
                    {formatMoney(anomaly.baselineMean, cost.currency)} ±{' '}
                    {formatMoney(anomaly.baselineStdDev, cost.currency)}
                  </Cell>
                  <Cell className={styles.numeric}>
                    {formatNumber(Math.abs(anomaly.score))} sd{' '}
                    {anomaly.direction === 'spike' ? 'above' : 'below'}
                  </Cell>
                </Row>
              ))}
            </TableBody>
          </TableRoot>
        </div>
      )}
    </CardBody>
  </Card>
);
