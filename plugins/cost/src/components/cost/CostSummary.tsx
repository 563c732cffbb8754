import type { ReactNode } from 'react';
import { Card, Text } from '@backstage/ui';
import type { EntityCost } from '@paved/plugin-cost-common';
import { formatMoney, formatShare } from '../../lib/format';
import styles from './cost.module.css';

const Tile = ({
  id,
  title,
  value,
  detail,
}: {
  id: string;
  title: string;
  value: string;
  detail: ReactNode;
}) => (
  <Card className={styles.tile} aria-labelledby={id}>
    <Text as="h3" id={id} variant="body-small" weight="bold" color="secondary">
      {title}
    </Text>
    <Text as="p" variant="title-medium" className={styles.tileValue}>
      {value}
    </Text>
    <Text as="p" variant="body-x-small" color="secondary">
      {detail}
    </Text>
  </Card>
);

/** The window's total, split into what the scope ran and what it was given. */
export const CostSummary = ({
  cost,
  windowLabel,
  showAttributedShare = false,
}: {
  cost: EntityCost;
  windowLabel: string;
  showAttributedShare?: boolean;
}) => {
  const share = (part: number) =>
    cost.total > 0 ? ` · ${formatShare(part / cost.total)} of the total` : '';
  return (
    <section aria-label="Cost summary" className={styles.tiles}>
      <Tile
        id="cost-total"
        title="Total"
        value={formatMoney(cost.total, cost.currency)}
        detail={`${windowLabel} · direct + distributed`}
      />
      <Tile
        id="cost-direct"
        title="Direct"
        value={formatMoney(cost.direct, cost.currency)}
        detail={`Workloads and cloud resources matched to it${share(
          cost.direct,
        )}`}
      />
      <Tile
        id="cost-distributed"
        title="Distributed"
        value={formatMoney(cost.distributed, cost.currency)}
        detail={`Its share of idle capacity and shared namespaces${share(
          cost.distributed,
        )}`}
      />
      {showAttributedShare && (
        <Tile
          id="cost-attributed"
          title="Attributed"
          value={formatShare(cost.attributedShare)}
          detail="Share of the cost matched to catalog entities"
        />
      )}
    </section>
  );
};
