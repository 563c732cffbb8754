// @ts-check

/**
 * The metric rules the stored analyses were made with (the attribution
 * window, the rework labels and the analysis's own version), so that a
 * backend started with other rules re-analyses every entity instead of
 * mixing verdicts made under both. One row; none before the first start
 * with this table, which counts as rules changed (analyses made before are
 * redone once).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_analysis_rules', table => {
    table.integer('id').primary().notNullable();
    table.text('rules').notNullable();
    table.timestamp('adopted_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dora_analysis_rules');
};
