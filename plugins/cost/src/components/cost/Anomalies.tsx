import { Card, CardBody, CardHeader, Text } from '@backstage/ui';
import type { EntityCost } from '@paved/plugin-cost-common';
import { formatMoney, formatNumber, formatPeriod } from '../../lib/format';
import styles from './cost.module.css';

/** Days far outside the scope's recent baseline, with the numbers behind each flag. */
export const Anomalies = ({ cost }: { cost: EntityCost }) => (
  <Card aria-labelledby="cost-anomalies-title">
    <CardHeader>
      <Text as="h2" id="cost-anomalies-title" variant="title-x-small">
        Anomalies
      </Text>
      <Text as="p" variant="body-x-small" color="secondary">
        Days whose cost was far from the mean of the days before them
      </Text>
    </CardHeader>
    <CardBody>
      {cost.anomalies.length === 0 ? (
        <Text as="p" variant="body-small" color="secondary">
          No day in this window was far outside its baseline.
        </Text>
      ) : (
        <div className={styles.tableFrame}>
          <table className={styles.table} aria-label="Cost anomalies">
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col" data-numeric>
                  Cost
                </th>
                <th scope="col" data-numeric>
                  Baseline (mean ± sd)
                </th>
                <th scope="col" data-numeric>
                  Score
                </th>
              </tr>
            </thead>
            <tbody>
              {cost.anomalies.map(anomaly => (
                <tr key={anomaly.day}>
                  <th scope="row">{formatPeriod(anomaly.day)}</th>
                  <td data-numeric>
                    {formatMoney(anomaly.cost, cost.currency)}
                  </td>
                  <td data-numeric>
                    {formatMoney(anomaly.baselineMean, cost.currency)} ±{' '}
                    {formatMoney(anomaly.baselineStdDev, cost.currency)}
                  </td>
                  <td data-numeric>
                    {formatNumber(Math.abs(anomaly.score))} sd{' '}
                    {anomaly.direction === 'spike' ? 'above' : 'below'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </CardBody>
  </Card>
);
