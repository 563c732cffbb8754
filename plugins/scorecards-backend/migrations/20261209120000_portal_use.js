// @ts-check

/**
 * Portal use: which signed-in users opened which kind of page on which
 * day, one row per (day, page, user), so every figure is a count of
 * distinct users — opening a page again, or a client that reports it a
 * thousand times, counts once. Users are kept as a SHA-256 of their entity
 * ref, never shown; rows older than a year are removed.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_portal_use', table => {
    // YYYY-MM-DD, UTC, and the Monday of its week.
    table.string('day', 10).notNullable();
    table.string('week', 10).notNullable();
    // page | docs
    table.string('kind', 16).notNullable();
    table.string('subject', 255).notNullable();
    table.string('user_key', 64).notNullable();
    table.primary(['day', 'kind', 'subject', 'user_key']);
    table.index(['week', 'user_key']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scorecard_portal_use');
};
