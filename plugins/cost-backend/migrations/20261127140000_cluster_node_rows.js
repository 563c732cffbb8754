// @ts-check

/**
 * Cloud-bill rows that pay for a Kubernetes cluster's nodes (tagged with
 * the cluster's name, `cost.allocation.clusterNodeTags`): the cluster they
 * pay for, on their label set's allocation; and in each day pool what
 * OpenCost says the cluster's nodes cost (CPU, RAM and GPU of its rows, and
 * idle), which splits that bill over the cluster's workloads. The pools are emptied; the cost backend rewrites them all when
 * it finds them missing.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('cost_allocations', table => {
    // null: not a node row.
    table.string('node_cluster', 253).nullable();
  });
  await knex('cost_day_pools').delete();
  await knex.schema.alterTable('cost_day_pools', table => {
    // CPU, RAM, GPU and idle cost of the (day, cluster): its nodes.
    table.double('node_cost').notNullable().defaultTo(0);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('cost_day_pools', table => {
    table.dropColumn('node_cost');
  });
  await knex.schema.alterTable('cost_allocations', table => {
    table.dropColumn('node_cluster');
  });
};
