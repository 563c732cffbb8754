import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { addDays } from '@paved/plugin-cost-common';
import type {
  CostWindow,
  DirectTotalRow,
  PoolRow,
  PoolRules,
} from './CostStore';
import { costRows } from './costReads';
import { isPostgres, slices } from './sql';

// The day pools: per day and cluster, the idle and shared cost to
// distribute and the direct totals to distribute it by, derived from the
// rows and their allocation and rewritten after imports and re-allocation.

/** Splits a window into windows of at most `days` days. */
function chunksOf(window: CostWindow, days: number): CostWindow[] {
  const chunks: CostWindow[] = [];
  for (let from = window.from; from < window.to; ) {
    const end = addDays(from, days);
    const to = end < window.to ? end : window.to;
    chunks.push({ from, to });
    from = to;
  }
  return chunks;
}

/**
 * The PostgreSQL advisory lock key of a day's pools: 64 bits of a hash, so
 * two days (or a day and a source's import lock) practically never share one.
 */
function dayPoolLockKey(day: string): string {
  return createHash('sha256')
    .update(`paved-cost-day-pools:${day}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/**
 * Takes the pool locks of a window's days for the rest of the transaction,
 * so a rewrite of the same days elsewhere (another replica's upload, the
 * scheduled pull, the allocator's refresh, or a second chunk of this one)
 * waits until this one has committed and then rewrites from what it wrote.
 * Without it both delete nothing, both insert, and the second insert fails
 * on the (day, cluster) primary key. Days are locked in ascending order, as
 * every rewrite does, so two rewrites wait for each other but never
 * deadlock. Nothing to do on SQLite: its one connection serialises writers.
 */
async function lockDayPools(trx: Knex.Transaction, window: CostWindow) {
  if (!isPostgres(trx)) return;
  for (let day = window.from; day < window.to; day = addDays(day, 1)) {
    await trx.raw('SELECT pg_advisory_xact_lock(CAST(? AS bigint))', [
      dayPoolLockKey(day),
    ]);
  }
}

/**
 * Per (day, cluster), in one pass over the window's rows: the idle and
 * shared pools that get distributed, and all entities' direct cost and how
 * many entities had any — the denominators of the weighted and even rules.
 * A query whose columns are those of cost_day_pools, in their order.
 */
function dayPoolsQuery(
  db: Knex,
  window: CostWindow,
  rules: PoolRules,
  clusters?: string[],
) {
  const { sharedNamespaces } = rules;
  const inSharedNamespace =
    sharedNamespaces.length > 0
      ? `(r.namespace IS NOT NULL AND r.namespace IN (${sharedNamespaces
          .map(() => '?')
          .join(', ')}))`
      : 'FALSE';
  // The opposite of whereDirect; never NULL, so NOT works.
  const pool = `(r.kind = 'idle' OR a.shared = ? OR ${inSharedNamespace})`;
  const poolBindings = [true, ...sharedNamespaces];
  const attributedDirect = `(NOT ${pool} AND a.entity_ref IS NOT NULL)`;
  const cluster = db.raw("COALESCE(r.cluster, '')");
  // Node rows are paid for by the cluster's other rows; they are neither
  // direct cost nor a pool.
  const query = costRows(db, window).whereNull('a.node_cluster');
  if (clusters) {
    // Only the imports with rows in these clusters, and only those rows.
    query
      .whereIn(
        's.import_id',
        db('cost_import_clusters')
          .whereIn('cluster', clusters)
          .select('import_id'),
      )
      .whereRaw(
        `COALESCE(r.cluster, '') IN (${clusters.map(() => '?').join(', ')})`,
        clusters,
      );
  }
  return query
    .select(
      'r.day',
      db.raw(`${cluster} as cluster`),
      db.raw(
        `SUM(CASE WHEN r.kind = 'idle' THEN r.effective_cost ELSE 0 END) as idle`,
      ),
      db.raw(
        `SUM(CASE WHEN r.kind <> 'idle' AND ${pool} THEN r.effective_cost ELSE 0 END) as shared`,
        poolBindings,
      ),
      db.raw(
        `SUM(CASE WHEN r.kind = 'cloud' AND ${pool} THEN r.effective_cost ELSE 0 END) as cloud`,
        poolBindings,
      ),
      db.raw(
        `SUM(CASE WHEN ${attributedDirect} THEN r.effective_cost ELSE 0 END) as direct_total`,
        poolBindings,
      ),
      db.raw(
        `COUNT(DISTINCT CASE WHEN ${attributedDirect} THEN a.entity_ref END) as entities`,
        poolBindings,
      ),
      db.raw(
        'SUM(r.cost_compute + r.cost_memory + r.cost_gpu + r.cost_idle) as node_cost',
      ),
    )
    .groupBy('r.day', cluster);
}

/**
 * Rewrites the stored pools and direct totals of the given days and
 * clusters ('' for rows without one); all days with rows and all
 * clusters when omitted. Computed and written by the database, at most
 * 31 days per statement.
 */
export async function refreshDayPools(
  db: Knex,
  rules: PoolRules,
  only: { days?: string[]; clusters?: string[] } = {},
) {
  const { days, clusters } = only;
  if (clusters?.length === 0) return;
  let runs: CostWindow[];
  if (days) {
    const sorted = [...new Set(days)].sort();
    runs = [];
    for (const day of sorted) {
      const last = runs[runs.length - 1];
      if (last && last.to === day) last.to = addDays(day, 1);
      else runs.push({ from: day, to: addDays(day, 1) });
    }
  } else {
    const [range] = await db('cost_source_days')
      .where('rows', '>', 0)
      .min({ first: 'day' })
      .max({ last: 'day' });
    if (!range?.first) {
      await db('cost_day_pools').delete();
      return;
    }
    runs = [{ from: String(range.first), to: addDays(String(range.last), 1) }];
  }
  const rewrite = async ({
    window: chunk,
    clusters: someClusters,
  }: {
    window: CostWindow;
    clusters?: string[];
  }) => {
    const { sql, bindings } = dayPoolsQuery(
      db,
      chunk,
      rules,
      someClusters,
    ).toSQL();
    await db.transaction(async trx => {
      await lockDayPools(trx, chunk);
      const stale = trx('cost_day_pools')
        .where('day', '>=', chunk.from)
        .where('day', '<', chunk.to);
      if (someClusters) stale.whereIn('cluster', someClusters);
      await stale.delete();
      await trx.raw(
        `INSERT INTO cost_day_pools (day, cluster, idle, shared, cloud, direct_total, entities, node_cost) ${sql}`,
        bindings,
      );
    });
  };
  // Many clusters are rewritten a slice at a time, each bound twice.
  const clusterSlices: Array<string[] | undefined> = clusters
    ? slices([...new Set(clusters)])
    : [undefined];
  const chunks = runs
    .flatMap(run => chunksOf(run, 31))
    .flatMap(window => clusterSlices.map(c => ({ window, clusters: c })));
  // Two chunks at a time on PostgreSQL (a server process each); SQLite
  // has one connection.
  const parallel = isPostgres(db) ? 2 : 1;
  for (let i = 0; i < chunks.length; i += parallel) {
    await Promise.all(chunks.slice(i, i + parallel).map(rewrite));
  }
}

/** Stored pools and direct totals per (day, cluster) of a window. */
export async function dayPools(
  db: Knex,
  window: CostWindow,
): Promise<Array<PoolRow & DirectTotalRow>> {
  const rows = await db('cost_day_pools')
    .where('day', '>=', window.from)
    .where('day', '<', window.to)
    .select();
  return rows.map(r => ({
    day: String(r.day),
    cluster: r.cluster ?? '',
    idle: Number(r.idle),
    shared: Number(r.shared),
    cloud: Number(r.cloud),
    total: Number(r.direct_total),
    entities: Number(r.entities),
    nodeCost: Number(r.node_cost),
  }));
}

/** Whether rows are stored but their day pools are not (after an upgrade). */
export async function dayPoolsMissing(db: Knex): Promise<boolean> {
  const [pool] = await db('cost_day_pools').select('day').limit(1);
  if (pool) return false;
  const [day] = await db('cost_source_days')
    .where('rows', '>', 0)
    .select('day')
    .limit(1);
  return Boolean(day);
}
