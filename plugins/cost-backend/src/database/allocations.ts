import type { Knex } from 'knex';
import type { LabelSetAllocation } from './CostStore';

// The allocation mapping: which entity (or pool, or cluster's nodes) each
// distinct label set's cost goes to.

/** Label sets that have no allocation yet (all of them with `all`). */
export async function labelSets(
  db: Knex,
  options: { onlyUnallocated?: boolean } = {},
): Promise<Array<{ id: number; labels: Record<string, string> }>> {
  const query = db('cost_label_sets as l').select('l.id', 'l.labels');
  if (options.onlyUnallocated) {
    query
      .leftJoin('cost_allocations as a', 'a.label_set_id', 'l.id')
      .whereNull('a.label_set_id');
  }
  const rows = await query;
  return rows.map(r => ({
    id: Number(r.id),
    labels: JSON.parse(r.labels),
  }));
}

/**
 * Writes the allocation of label sets; only rows that changed are
 * written, so a refresh with nothing new is cheap.
 */
export async function saveAllocations(
  db: Knex,
  allocations: LabelSetAllocation[],
): Promise<number> {
  if (allocations.length === 0) return 0;
  const current = new Map<number, string>();
  for (const r of await db('cost_allocations').select()) {
    current.set(
      Number(r.label_set_id),
      `${r.entity_ref ?? ''}|${Boolean(r.shared)}|${r.node_cluster ?? ''}`,
    );
  }
  const changed = allocations
    .filter(
      a =>
        current.get(a.id) !==
        `${a.entityRef ?? ''}|${a.shared}|${a.nodeCluster ?? ''}`,
    )
    .map(a => ({
      label_set_id: a.id,
      entity_ref: a.entityRef,
      shared: a.shared,
      node_cluster: a.nodeCluster,
    }));
  await db.transaction(async trx => {
    for (let i = 0; i < changed.length; i += 500) {
      await trx('cost_allocations')
        .insert(changed.slice(i, i + 500))
        .onConflict('label_set_id')
        .merge();
    }
  });
  return changed.length;
}
