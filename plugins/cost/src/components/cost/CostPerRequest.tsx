import { Card, CardBody, CardHeader, Text } from '@backstage/ui';
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  XAxis,
  YAxis,
} from 'recharts';
import type { EntityCost } from '@paved/plugin-cost-common';
import {
  formatCount,
  formatMoney,
  formatMoneyAxis,
  formatPeriod,
} from '../../lib/format';
import { moneyAxis, periodAxis } from './chartAxes';
import { REQUEST_RATE_ANNOTATION } from './CostStates';
import { ChartDataTable, chartStyles } from '@paved/portal-ui';
import styles from './cost.module.css';

/** Why there is no cost per request: a refused query, or no data. */
const NoRequestData = ({ problem }: { problem?: string }) =>
  problem ? (
    <Text as="p" variant="body-small" className={styles.over}>
      No cost per request: {problem}
    </Text>
  ) : (
    <Text as="p" variant="body-small" color="secondary">
      No request data. Add the <code>{REQUEST_RATE_ANNOTATION}</code> annotation
      with a Prometheus query for the workload’s requests per second (the
      default query on its Kubernetes id found none).
    </Text>
  );

/**
 * Cost ÷ requests per period. A period without requests has no cost per
 * request (a gap, never zero); without any request data the card says how
 * to get it.
 */
export const CostPerRequest = ({ cost }: { cost: EntityCost }) => {
  const hasRequests =
    cost.averageCostPerRequest !== null &&
    cost.costPerRequest.some(point => point.costPerRequest !== null);
  return (
    <Card aria-labelledby="cost-per-request-title" className={styles.section}>
      <CardHeader>
        <Text as="h2" id="cost-per-request-title" variant="title-x-small">
          Cost per request
        </Text>
      </CardHeader>
      <CardBody>
        {!hasRequests ? (
          <NoRequestData problem={cost.costPerRequestProblem} />
        ) : (
          <>
            <dl className={styles.facts}>
              <div className={styles.fact}>
                <dt>Average in the window</dt>
                <dd>
                  {formatMoney(cost.averageCostPerRequest, cost.currency)}
                </dd>
              </div>
            </dl>
            <div className={chartStyles.chart} aria-hidden>
              <ResponsiveContainer width="100%" height={140}>
                <LineChart
                  data={cost.costPerRequest}
                  margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
                >
                  <CartesianGrid vertical={false} />
                  <XAxis {...periodAxis} />
                  <YAxis
                    {...moneyAxis(value =>
                      formatMoneyAxis(value, cost.currency),
                    )}
                  />
                  <Line
                    dataKey="costPerRequest"
                    type="linear"
                    strokeWidth={2}
                    dot={cost.costPerRequest.length <= 40 ? { r: 2 } : false}
                    connectNulls={false}
                    isAnimationActive={false}
                  />
                </LineChart>
              </ResponsiveContainer>
            </div>
            <ChartDataTable
              caption="Cost per request per period"
              columns={['Period', 'Cost per request', 'Requests']}
              rows={cost.costPerRequest.map(point => ({
                key: point.period,
                label: formatPeriod(point.period),
                cells: [
                  point.costPerRequest === null
                    ? 'No requests'
                    : formatMoney(point.costPerRequest, cost.currency),
                  formatCount(point.requests),
                ],
              }))}
            />
          </>
        )}
      </CardBody>
    </Card>
  );
};
