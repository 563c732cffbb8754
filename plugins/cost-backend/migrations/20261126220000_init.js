// @ts-check

/**
 * Cost rows from every source, the distinct label sets they carry, which
 * catalog entity each label set is allocated to, what each source has
 * stored per day, and the day pools derived from them.
 *
 * Rows reference their labels through an integer label set id so
 * allocation is computed once per distinct label set (a few thousand)
 * instead of per row (millions), and reads are aggregates joined on
 * `cost_allocations`. Rows carry the integer id of the import that stored
 * them; two integer-keyed indexes keep what PostgreSQL does per imported
 * row small.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // Each `replace` call of a source.
  await knex.schema.createTable('cost_imports', table => {
    table.increments('id');
    table.string('source', 200).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['source'], 'cost_imports_source_idx');
  });

  await knex.schema.createTable('cost_label_sets', table => {
    table.increments('id');
    table.string('labels_hash', 64).notNullable().unique();
    table.text('labels').notNullable(); // JSON object, keys sorted
  });

  await knex.schema.createTable('cost_rows', table => {
    // The replace() call that stored the row (cost_imports.id).
    table.integer('import_id').notNullable();
    table.string('day', 10).notNullable(); // YYYY-MM-DD, sorts as text
    table.integer('label_set_id').notNullable();
    table.string('kind', 16).notNullable();
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
    // "The rows a replace supersedes" and "every row of these days"
    // (joined through cost_source_days); grows at the right-hand edge.
    table.index(['import_id', 'day'], 'cost_rows_import_day_idx');
    // The entity reads.
    table.index(['label_set_id', 'day'], 'cost_rows_label_set_day_idx');
  });

  await knex.schema.createTable('cost_allocations', table => {
    table.integer('label_set_id').primary();
    // null: the label set matches no entity's selector (unattributed).
    table.string('entity_ref', 255).nullable();
    // The label set matches one of cost.allocation.sharedLabels.
    table.boolean('shared').notNullable().defaultTo(false);
    // Cloud-bill rows that pay for a Kubernetes cluster's nodes (tagged
    // with its name, cost.allocation.clusterNodeTags): the cluster they
    // pay for. null: not a node row.
    table.string('node_cluster', 253).nullable();
    table.index(['entity_ref'], 'cost_allocations_entity_idx');
  });

  // Per (day, cluster): the idle and shared pools and the direct cost and
  // number of entities they are distributed over. Derived from cost_rows and
  // cost_allocations; rewritten for the days and clusters an import touches
  // and after the allocation changes, so reads need not scan every row of a
  // window.
  await knex.schema.createTable('cost_day_pools', table => {
    table.string('day', 10).notNullable();
    table.string('cluster', 253).notNullable(); // '' for rows without one
    table.double('idle').notNullable().defaultTo(0);
    table.double('shared').notNullable().defaultTo(0);
    table.double('cloud').notNullable().defaultTo(0);
    table.double('direct_total').notNullable().defaultTo(0);
    table.integer('entities').notNullable().defaultTo(0);
    // CPU, RAM, GPU and idle cost of the (day, cluster): what OpenCost says
    // its nodes cost, which splits their bill over its workloads.
    table.double('node_cost').notNullable().defaultTo(0);
    table.primary(['day', 'cluster']);
  });

  await knex.schema.createTable('cost_source_days', table => {
    table.string('source', 200).notNullable();
    table.string('day', 10).notNullable();
    // The import whose rows are the source's rows for the day.
    table.integer('import_id').notNullable();
    table.boolean('final').notNullable().defaultTo(false);
    table.timestamp('imported_at', { useTz: true }).notNullable();
    table.string('description', 500).nullable();
    table.integer('rows').notNullable().defaultTo(0);
    table.primary(['source', 'day']);
    table.index(['day'], 'cost_source_days_day_idx');
  });

  // The clusters each import has rows in ('' for rows without a cluster),
  // so an import rewrites the day pools of its own clusters only.
  await knex.schema.createTable('cost_import_clusters', table => {
    table.integer('import_id').notNullable();
    table.string('cluster', 253).notNullable();
    table.primary(['import_id', 'cluster']);
    table.index(['cluster'], 'cost_import_clusters_cluster_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cost_import_clusters');
  await knex.schema.dropTable('cost_source_days');
  await knex.schema.dropTable('cost_day_pools');
  await knex.schema.dropTable('cost_allocations');
  await knex.schema.dropTable('cost_rows');
  await knex.schema.dropTable('cost_label_sets');
  await knex.schema.dropTable('cost_imports');
};
