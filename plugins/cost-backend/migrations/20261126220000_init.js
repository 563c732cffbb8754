// @ts-check

/**
 * Cost rows from every source, the distinct label sets they carry, which
 * catalog entity each label set is allocated to, and what each source has
 * stored per day.
 *
 * Rows reference their labels through `labels_hash` so allocation is
 * computed once per distinct label set (a few thousand) instead of per row
 * (millions), and reads are aggregates joined on `cost_allocations`.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cost_label_sets', table => {
    table.string('labels_hash', 64).primary();
    table.text('labels').notNullable(); // JSON object, keys sorted
  });

  await knex.schema.createTable('cost_rows', table => {
    table.string('source', 200).notNullable();
    // The replace() call that stored the row; older generations of the same
    // (source, day) are deleted in the same transaction.
    table.string('import_id', 36).notNullable();
    table.string('day', 10).notNullable(); // YYYY-MM-DD, sorts as text
    table.string('kind', 16).notNullable();
    table.string('labels_hash', 64).notNullable();
    table.string('cluster', 253).nullable();
    table.string('namespace', 253).nullable();
    table.string('controller', 253).nullable();
    table.string('controller_kind', 63).nullable();
    table.text('resource_id').nullable();
    table.text('resource_name').nullable();
    table.string('service_name', 255).nullable();
    table.string('service_category', 255).nullable();
    table.string('region_id', 63).nullable();
    table.string('sub_account_id', 255).nullable();
    table.string('charge_category', 63).nullable();
    for (const column of [
      'cost_compute',
      'cost_memory',
      'cost_gpu',
      'cost_storage',
      'cost_network',
      'cost_load_balancer',
      'cost_cloud_services',
      'cost_shared',
      'cost_idle',
      'effective_cost',
    ]) {
      table.double(column).notNullable().defaultTo(0);
    }
    for (const column of [
      'billed_cost',
      'list_cost',
      'cpu_efficiency',
      'ram_efficiency',
      'total_efficiency',
      'cpu_core_hours',
      'ram_byte_hours',
    ]) {
      table.double(column).nullable();
    }
    table.index(['source', 'day'], 'cost_rows_source_day_idx');
    table.index(['labels_hash', 'day'], 'cost_rows_labels_day_idx');
    table.index(['day', 'cluster'], 'cost_rows_day_cluster_idx');
  });

  await knex.schema.createTable('cost_allocations', table => {
    table.string('labels_hash', 64).primary();
    // null: the label set matches no entity's selector (unattributed).
    table.string('entity_ref', 255).nullable();
    // The label set matches one of cost.allocation.sharedLabels.
    table.boolean('shared').notNullable().defaultTo(false);
    table.index(['entity_ref'], 'cost_allocations_entity_idx');
  });

  // Per (day, cluster): the idle and shared pools and the direct cost and
  // number of entities they are distributed over. Derived from cost_rows and
  // cost_allocations; rewritten for the days an import touches and after
  // the allocation changes, so reads need not scan every row of a window.
  await knex.schema.createTable('cost_day_pools', table => {
    table.string('day', 10).notNullable();
    table.string('cluster', 253).notNullable(); // '' for rows without one
    table.double('idle').notNullable().defaultTo(0);
    table.double('shared').notNullable().defaultTo(0);
    table.double('cloud').notNullable().defaultTo(0);
    table.double('direct_total').notNullable().defaultTo(0);
    table.integer('entities').notNullable().defaultTo(0);
    table.primary(['day', 'cluster']);
  });

  await knex.schema.createTable('cost_source_days', table => {
    table.string('source', 200).notNullable();
    table.string('day', 10).notNullable();
    table.boolean('final').notNullable().defaultTo(false);
    table.timestamp('imported_at', { useTz: true }).notNullable();
    table.string('description', 500).nullable();
    table.integer('rows').notNullable().defaultTo(0);
    table.primary(['source', 'day']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cost_source_days');
  await knex.schema.dropTable('cost_day_pools');
  await knex.schema.dropTable('cost_allocations');
  await knex.schema.dropTable('cost_rows');
  await knex.schema.dropTable('cost_label_sets');
};
