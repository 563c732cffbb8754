// @ts-check

/**
 * A hash of each analysed deployment's row, so that re-analysing an entity
 * rewrites only the rows whose verdict changed (under constant ingest, the
 * newest few) instead of the entity's whole history. Null for rows written
 * before: they count as changed once.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('dora_analysed_deployments', table => {
    table.string('row_hash', 64).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('dora_analysed_deployments', table => {
    table.dropColumn('row_hash');
  });
};
