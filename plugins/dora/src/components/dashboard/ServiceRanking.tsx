import { useMemo } from 'react';
import {
  Cell,
  CellText,
  Table,
  Text,
  useTable,
  type ColumnConfig,
  type SortDescriptor,
} from '@backstage/ui';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  useEntityPresentation,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import type { DoraBreakdown, DoraMetrics } from '@paved/plugin-dora-common';
import { metricDefinitions, type MetricDefinition } from '../../lib/metrics';
import { BenchmarkChip } from './BenchmarkChip';
import styles from './dashboard.module.css';

type ServiceRow = {
  id: string;
  entityRef: string;
  name: string;
  metrics: DoraMetrics;
};

/** A component's name, linking to its page. */
const ServiceCell = ({ entityRef }: { entityRef: string }) => {
  const { primaryTitle } = useEntityPresentation(entityRef);
  const entityLink = useEntityRefLink();
  return <CellText title={primaryTitle} href={entityLink(entityRef)} />;
};

const MetricCell = ({
  metric,
  metrics,
}: {
  metric: MetricDefinition;
  metrics: DoraMetrics;
}) => {
  if (metrics.deploymentFrequency.deployments === 0) {
    return <CellText title="—" color="secondary" />;
  }
  const benchmark = metric.benchmark(metrics);
  return (
    <Cell>
      <div className={styles.rankingValue}>
        <span>{metric.format(metric.value(metrics))}</span>
        {/* Only the 2024 clusters: a survey bucket would crowd the column. */}
        {benchmark.band && <BenchmarkChip benchmark={benchmark} compact />}
      </div>
    </Cell>
  );
};

/**
 * Services without deployments go last whatever the direction; the others
 * by the metric's value.
 */
function sortRows(rows: ServiceRow[], sort: SortDescriptor): ServiceRow[] {
  const direction = sort.direction === 'descending' ? -1 : 1;
  const metric = metricDefinitions.find(m => m.name === sort.column);
  const valueOf = (row: ServiceRow) =>
    row.metrics.deploymentFrequency.deployments === 0 || !metric
      ? null
      : metric.value(row.metrics);
  return [...rows].sort((a, b) => {
    if (!metric) return direction * a.name.localeCompare(b.name);
    const va = valueOf(a);
    const vb = valueOf(b);
    if (va === null && vb === null) return a.name.localeCompare(b.name);
    if (va === null) return 1;
    if (vb === null) return -1;
    return direction * (va - vb) || a.name.localeCompare(b.name);
  });
}

const columns: ColumnConfig<ServiceRow>[] = [
  {
    id: 'service',
    label: 'Service',
    isRowHeader: true,
    isSortable: true,
    defaultWidth: '1.1fr',
    minWidth: 150,
    cell: row => <ServiceCell entityRef={row.entityRef} />,
  },
  ...metricDefinitions.map(
    (metric): ColumnConfig<ServiceRow> => ({
      id: metric.name,
      label: metric.shortTitle,
      isSortable: true,
      defaultWidth: '1fr',
      minWidth: 110,
      cell: row => <MetricCell metric={metric} metrics={row.metrics} />,
    }),
  ),
];

/**
 * The scope's services ranked by a metric, so a lead can see which one
 * holds the team back. Sorted by lead time, slowest first, until the user
 * picks another column.
 */
export const ServiceRanking = ({ breakdown }: { breakdown: DoraBreakdown }) => {
  const rows = useMemo(
    () =>
      breakdown.services.map(s => ({
        id: s.entityRef,
        entityRef: s.entityRef,
        name: parseEntityRef(s.entityRef).name,
        metrics: s.metrics,
      })),
    [breakdown],
  );
  const { tableProps } = useTable({
    mode: 'complete',
    data: rows,
    sortFn: sortRows,
    initialSort: { column: 'changeLeadTime', direction: 'descending' },
    paginationOptions: { pageSize: Math.max(rows.length, 1) },
  });

  return (
    <section aria-labelledby="dora-services" className={styles.section}>
      <div className={styles.sectionHeader}>
        <Text as="h2" id="dora-services" variant="title-x-small">
          Services
        </Text>
        <Text as="p" variant="body-small" color="secondary">
          Each service’s metrics in the same window. Sort by a column to see
          which service holds the numbers back.
        </Text>
      </div>
      <div className={styles.tableFrame}>
        <Table
          columnConfig={columns}
          {...tableProps}
          pagination={{ type: 'none' }}
          emptyState={
            <Text color="secondary">No components in this scope.</Text>
          }
        />
      </div>
    </section>
  );
};
