// @ts-check

/**
 * Each component's check outcomes on their own (JSON: check id → outcome,
 * without the evidence), so roll-ups over thousands of components read a
 * few hundred bytes per component instead of every check's evidence. Null
 * for results written before it: readers fall back to the full results.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('scorecard_results', table => {
    table.text('outcomes').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('scorecard_results', table => {
    table.dropColumn('outcomes');
  });
};
