// @ts-check

/**
 * Golden-path adoption, one row per day, written by the evaluation: how
 * many components and teams are on a golden path and on its current
 * version, and the template runs of the last twelve weeks (JSON).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_adoption', table => {
    // YYYY-MM-DD, UTC.
    table.string('day', 10).primary();
    table.integer('components').notNullable();
    table.integer('on_golden_path').notNullable();
    table.integer('on_current_version').notNullable();
    table.integer('teams').notNullable();
    table.integer('teams_on_golden_path').notNullable();
    // JSON: { weeks: [{ week, runs }], templates: [{ templateRef, runs }] },
    // or null when the scaffolder could not be read.
    table.text('template_runs').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scorecard_adoption');
};
