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
import { parseEntityRef } from '@backstage/catalog-model';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import type { CostRankings, RankedComponent } from '@paved/plugin-cost-common';
import { formatMoney, formatMoneyChange, formatShare } from '../../lib/format';
import styles from './cost.module.css';

/** A component's name, linking to its own Cost tab. */
const ComponentCell = ({ component }: { component: RankedComponent }) => {
  const entityLink = useEntityRefLink();
  return (
    <CellText
      title={component.title ?? parseEntityRef(component.entityRef).name}
      href={`${entityLink(component.entityRef)}/cost`}
    />
  );
};

function signedShare(share: number | null) {
  if (share === null) return 'new';
  const text = formatShare(Math.abs(share));
  if (share > 0) return `+${text}`;
  if (share < 0) return `−${text}`;
  return text;
}

/**
 * The components of a group or system, by cost and by change against the
 * window before; each links to its own Cost tab.
 */
export const ComponentRankings = ({
  rankings,
  windowDays,
}: {
  rankings: CostRankings;
  windowDays: number;
}) => {
  const { currency } = rankings;
  // Entities with no cost in either window (e.g. a resource billed
  // elsewhere) would only be rows of zeros.
  const hasCost = (c: RankedComponent) =>
    c.total !== 0 || c.previousTotal !== 0;
  const byCost = rankings.byCost.filter(hasCost);
  const byChange = rankings.byChange.filter(hasCost);
  const withoutCost = rankings.byCost.length - byCost.length;
  const total = byCost.reduce((sum, c) => sum + c.total, 0);
  if (byCost.length === 0) {
    return (
      <Text as="p" color="secondary">
        No component here has cost in this window.
      </Text>
    );
  }
  return (
    <div className={styles.cards}>
      <Card aria-labelledby="cost-ranking-by-cost">
        <CardHeader>
          <Text as="h2" id="cost-ranking-by-cost" variant="title-x-small">
            Components by cost
          </Text>
        </CardHeader>
        <CardBody>
          <div className={styles.tableFrame}>
            <TableRoot aria-label="Components by cost">
              <TableHeader>
                <Column isRowHeader>Component</Column>
                <Column className={styles.numeric}>Cost</Column>
                <Column className={styles.numeric}>Share</Column>
              </TableHeader>
              <TableBody>
                {byCost.map(component => (
                  <Row key={component.entityRef} id={component.entityRef}>
                    <ComponentCell component={component} />
                    <Cell className={styles.numeric}>
                      {formatMoney(component.total, currency)}
                    </Cell>
                    <Cell className={styles.numeric}>
                      {total > 0 ? formatShare(component.total / total) : '—'}
                    </Cell>
                  </Row>
                ))}
              </TableBody>
            </TableRoot>
          </div>
          {withoutCost > 0 && (
            <Text as="p" variant="body-x-small" color="secondary">
              {withoutCost} more with no cost in this window or the one before.
            </Text>
          )}
        </CardBody>
      </Card>
      <Card aria-labelledby="cost-ranking-by-change">
        <CardHeader>
          <Text as="h2" id="cost-ranking-by-change" variant="title-x-small">
            Components by change
          </Text>
          <Text as="p" variant="body-x-small" color="secondary">
            Against the {windowDays} days before
          </Text>
        </CardHeader>
        <CardBody>
          <div className={styles.tableFrame}>
            <TableRoot aria-label="Components by change">
              <TableHeader>
                <Column isRowHeader>Component</Column>
                <Column className={styles.numeric}>Change</Column>
                <Column className={styles.numeric}>Before</Column>
              </TableHeader>
              <TableBody>
                {byChange.map(component => (
                  <Row key={component.entityRef} id={component.entityRef}>
                    <ComponentCell component={component} />
                    <Cell className={styles.numeric}>
                      {formatMoneyChange(component.change, currency)} (
                      {signedShare(component.changePercent)})
                    </Cell>
                    <Cell className={styles.numeric}>
                      {formatMoney(component.previousTotal, currency)}
                    </Cell>
                  </Row>
                ))}
              </TableBody>
            </TableRoot>
          </div>
        </CardBody>
      </Card>
    </div>
  );
};
