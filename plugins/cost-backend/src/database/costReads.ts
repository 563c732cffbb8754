import type { Knex } from 'knex';
import { whereScopeMember } from '@paved/catalog-scopes';
import { COST_CATEGORIES, type CostCategory } from '@paved/plugin-cost-common';
import type {
  CostSums,
  CostWindow,
  DirectCostRow,
  DirectCostScope,
  NodeBillRow,
  PoolRules,
  UnattributedGroup,
} from './CostStore';
import { CATEGORY_COLUMNS } from './rows';

function sumColumns(db: Knex, prefix = 'r') {
  const c = (column: string) => `${prefix}.${column}`;
  return [
    ...COST_CATEGORIES.map(cat =>
      db.raw(`SUM(${c(CATEGORY_COLUMNS[cat])}) as ??`, [cat]),
    ),
    db.raw(`SUM(${c('effective_cost')}) as total`),
    db.raw(
      `SUM(CASE WHEN ${c('kind')} = 'cloud' THEN ${c(
        'effective_cost',
      )} ELSE 0 END) as cloud`,
    ),
    db.raw(`SUM(${c('cpu_efficiency')} * ${c('cpu_core_hours')}) as cpu_w`),
    db.raw(
      `SUM(CASE WHEN ${c('cpu_efficiency')} IS NOT NULL THEN ${c(
        'cpu_core_hours',
      )} END) as cpu_h`,
    ),
    db.raw(`SUM(${c('ram_efficiency')} * ${c('ram_byte_hours')}) as ram_w`),
    db.raw(
      `SUM(CASE WHEN ${c('ram_efficiency')} IS NOT NULL THEN ${c(
        'ram_byte_hours',
      )} END) as ram_h`,
    ),
    db.raw(`SUM(${c('total_efficiency')} * ${c('effective_cost')}) as total_w`),
    db.raw(
      `SUM(CASE WHEN ${c('total_efficiency')} IS NOT NULL THEN ${c(
        'effective_cost',
      )} END) as total_c`,
    ),
  ];
}

/**
 * Rows of a window joined with their allocation: for the label sets a
 * subquery names through the (label_set_id, day) index, otherwise every
 * row of the window's days through cost_source_days and the
 * (import_id, day) index.
 */
export function costRows(
  db: Knex,
  window: CostWindow,
  labelSetIds?: Knex.QueryBuilder,
) {
  const query = labelSetIds
    ? db('cost_rows as r')
        .whereIn('r.label_set_id', labelSetIds)
        .where('r.day', '>=', window.from)
        .where('r.day', '<', window.to)
    : db('cost_source_days as s')
        .join('cost_rows as r', join =>
          join
            .on('r.import_id', '=', 's.import_id')
            .andOn('r.day', '=', 's.day'),
        )
        .where('s.day', '>=', window.from)
        .where('s.day', '<', window.to);
  return query.join(
    'cost_allocations as a',
    'a.label_set_id',
    'r.label_set_id',
  );
}

/** Rows that are direct cost (not idle, not in a shared namespace or label set). */
export function whereDirect(query: Knex.QueryBuilder, rules: PoolRules) {
  query
    .whereNot('r.kind', 'idle')
    .where('a.shared', false)
    .whereNull('a.node_cluster');
  if (rules.sharedNamespaces.length > 0) {
    query.where(q =>
      q
        .whereNull('r.namespace')
        .orWhereNotIn('r.namespace', rules.sharedNamespaces),
    );
  }
  return query;
}

/**
 * Direct cost per (entity, day, cluster) — or, with `perEntity: false`,
 * per (day, cluster) summed over the scope — for some entities, all
 * attributed entities, or the unattributed rows (entityRef null). One
 * statement however large the scope: its refs travel as one parameter
 * (see `whereScopeMember`), and its label sets are found by a subquery,
 * not sent as a list.
 */
export async function directCost(
  db: Knex,
  options: {
    scope: DirectCostScope;
    from: string;
    to: string;
    rules: PoolRules;
    perEntity?: boolean;
  },
): Promise<DirectCostRow[]> {
  const { scope } = options;
  const perEntity = options.perEntity ?? true;
  let labelSetIds: Knex.QueryBuilder | undefined;
  if ('entityRefs' in scope) {
    if (scope.entityRefs.length === 0) return [];
    // The scope's label sets first, so the row query is a lookup on the
    // (label_set_id, day) index rather than a scan of the whole window.
    labelSetIds = whereScopeMember(
      db,
      db('cost_allocations').select('label_set_id'),
      'entity_ref',
      scope.entityRefs,
    );
  }
  const query = costRows(db, options, labelSetIds)
    .select(
      'r.day',
      'r.cluster',
      db.raw('COUNT(DISTINCT a.entity_ref) as entities'),
      ...sumColumns(db),
    )
    .groupBy('r.day', 'r.cluster');
  if (perEntity) query.select('a.entity_ref').groupBy('a.entity_ref');
  if ('entityRefs' in scope) {
    query.whereNotNull('a.entity_ref');
  } else if ('attributed' in scope) {
    query.whereNotNull('a.entity_ref');
  } else {
    query.whereNull('a.entity_ref');
  }
  whereDirect(query, options.rules);
  const rows = await query;
  return rows.map(r => ({
    entityRef: r.entity_ref ?? null,
    day: String(r.day),
    cluster: r.cluster ?? '',
    entities: Number(r.entities ?? 0),
    ...toSums(r),
  }));
}

/**
 * Per (day, cluster), in one pass over the window's rows: the idle and
 * shared pools that get distributed, and all entities' direct cost and how
 * many entities had any — the denominators of the weighted and even rules.
 * A query whose columns are those of cost_day_pools, in their order.
 */

/** Per day and cluster, what the rows paying for its nodes billed. */
export async function nodeBills(
  db: Knex,
  window: CostWindow,
): Promise<NodeBillRow[]> {
  const labelSetIds = db('cost_allocations')
    .whereNotNull('node_cluster')
    .select('label_set_id');
  const rows = await costRows(db, window, labelSetIds)
    .select(
      'r.day',
      'a.node_cluster',
      db.raw('SUM(r.effective_cost) as billed'),
    )
    .groupBy('r.day', 'a.node_cluster');
  return rows.map(r => ({
    day: String(r.day),
    cluster: String(r.node_cluster),
    billed: Number(r.billed ?? 0),
  }));
}

/** Unattributed cost grouped by what identifies it, largest first. */
export async function unattributed(
  db: Knex,
  options: {
    from: string;
    to: string;
    rules: PoolRules;
    limit: number;
  },
): Promise<UnattributedGroup[]> {
  const query = costRows(db, options)
    .join('cost_label_sets as l', 'l.id', 'r.label_set_id')
    .whereNull('a.entity_ref')
    .select(
      'l.labels',
      'r.cluster',
      'r.namespace',
      'r.resource_name',
      'r.service_name',
      db.raw('SUM(r.effective_cost) as cost'),
    )
    .groupBy(
      'l.labels',
      'r.cluster',
      'r.namespace',
      'r.resource_name',
      'r.service_name',
    )
    .orderBy('cost', 'desc')
    .limit(options.limit);
  whereDirect(query, options.rules);
  const rows = await query;
  return rows.map(r => ({
    labels: JSON.parse(r.labels),
    cluster: r.cluster ?? null,
    namespace: r.namespace ?? null,
    resourceName: r.resource_name ?? null,
    serviceName: r.service_name ?? null,
    cost: Number(r.cost ?? 0),
  }));
}

/**
 * Unattributed direct cost of a window per label set, largest first:
 * the label sets whose claims are worth checking for conflicts.
 */
export async function unattributedLabelSets(
  db: Knex,
  options: {
    from: string;
    to: string;
    rules: PoolRules;
    limit: number;
  },
): Promise<Array<{ labels: Record<string, string>; cost: number }>> {
  const query = costRows(db, options)
    .join('cost_label_sets as l', 'l.id', 'r.label_set_id')
    .whereNull('a.entity_ref')
    .select('l.id', 'l.labels', db.raw('SUM(r.effective_cost) as cost'))
    .groupBy('l.id', 'l.labels')
    .orderBy('cost', 'desc')
    .limit(options.limit);
  whereDirect(query, options.rules);
  const rows = await query;
  return rows.map(r => ({
    labels: JSON.parse(r.labels),
    cost: Number(r.cost ?? 0),
  }));
}

function toSums(r: Record<string, unknown>): CostSums {
  const n = (v: unknown) => Number(v ?? 0);
  return {
    byCategory: Object.fromEntries(
      COST_CATEGORIES.map(c => [c, n(r[c])]),
    ) as Record<CostCategory, number>,
    total: n(r.total),
    cloud: n(r.cloud),
    cpuWeighted: n(r.cpu_w),
    cpuHours: n(r.cpu_h),
    ramWeighted: n(r.ram_w),
    ramHours: n(r.ram_h),
    totalWeighted: n(r.total_w),
    totalWeight: n(r.total_c),
  };
}
