// @ts-check

/**
 * Scorecard results: the newest evaluation of each component (its level
 * and every check's outcome and evidence, as JSON), and one row per day
 * and component for the history the roll-ups draw.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_results', table => {
    table.string('entity_ref', 255).primary();
    table.string('level', 63).nullable();
    table.text('results').notNullable();
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('scorecard_history', table => {
    // YYYY-MM-DD, UTC.
    table.string('day', 10).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('level', 63).nullable();
    table.integer('passed').notNullable();
    table.integer('failed').notNullable();
    table.primary(['day', 'entity_ref']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scorecard_history');
  await knex.schema.dropTable('scorecard_results');
};
