import { Card, CardBody, CardHeader, Text } from '@backstage/ui';
import type { EntityCost } from '@paved/plugin-cost-common';
import { formatShare } from '../../lib/format';
import styles from './cost.module.css';

/** How much of what the workloads requested they used (OpenCost), cost-weighted. */
export const Efficiency = ({ cost }: { cost: EntityCost }) => {
  const { cpu, ram, total } = cost.efficiency;
  const known = [cpu, ram, total].some(value => value !== null);
  return (
    <Card aria-labelledby="cost-efficiency-title">
      <CardHeader>
        <Text as="h2" id="cost-efficiency-title" variant="title-x-small">
          Efficiency
        </Text>
        <Text as="p" variant="body-x-small" color="secondary">
          Share of the requested CPU and memory the workloads used
        </Text>
      </CardHeader>
      <CardBody>
        {known ? (
          <dl className={styles.facts}>
            <div className={styles.fact}>
              <dt>CPU</dt>
              <dd>{formatShare(cpu)}</dd>
            </div>
            <div className={styles.fact}>
              <dt>Memory</dt>
              <dd>{formatShare(ram)}</dd>
            </div>
            <div className={styles.fact}>
              <dt>Total</dt>
              <dd>{formatShare(total)}</dd>
            </div>
          </dl>
        ) : (
          <Text as="p" variant="body-small" color="secondary">
            Unknown: efficiency comes from OpenCost, and no Kubernetes workload
            is allocated here.
          </Text>
        )}
      </CardBody>
    </Card>
  );
};
