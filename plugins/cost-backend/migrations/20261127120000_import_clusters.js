// @ts-check

/**
 * The clusters each import has rows in ('' for rows without a cluster), so
 * an import rewrites the day pools of its own clusters only: an OpenCost
 * run of one cluster no longer re-reads the other clusters' and the cloud
 * bill's rows of the same days. Filled from the rows already stored.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cost_import_clusters', table => {
    table.integer('import_id').notNullable();
    table.string('cluster', 253).notNullable();
    table.primary(['import_id', 'cluster']);
    table.index(['cluster'], 'cost_import_clusters_cluster_idx');
  });
  await knex.raw(
    `INSERT INTO cost_import_clusters (import_id, cluster)
     SELECT DISTINCT import_id, COALESCE(cluster, '') FROM cost_rows`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cost_import_clusters');
};
