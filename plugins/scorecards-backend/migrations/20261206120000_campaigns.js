// @ts-check

/**
 * Campaigns: the platform team asks components (a catalog filter) to pass
 * some checks by a deadline. Each evaluation records which targets are
 * done and one progress row per campaign and day, for the burn-up.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_campaigns', table => {
    table.string('id', 36).primary();
    // Unique: a retried start finds the campaign it stored.
    table.string('title', 200).notNullable().unique();
    table.text('description').notNullable();
    // JSON: the check ids asked for.
    table.text('checks').notNullable();
    // JSON: the components targeted ({ owners, systems, types, lifecycles }).
    table.text('target').notNullable();
    table.timestamp('deadline', { useTz: true }).notNullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    // Reminders sent: 0 none, 1 a week before the deadline, 2 at it.
    table.integer('reminder_stage').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('scorecard_campaign_targets', table => {
    table.string('campaign_id', 36).notNullable();
    table.string('entity_ref', 255).notNullable();
    // JSON: the campaign's checks the component still fails.
    table.text('failing').notNullable();
    table.boolean('done').notNullable();
    table.primary(['campaign_id', 'entity_ref']);
    table.index('entity_ref');
  });
  await knex.schema.createTable('scorecard_campaign_progress', table => {
    table.string('campaign_id', 36).notNullable();
    table.string('day', 10).notNullable();
    table.integer('targeted').notNullable();
    table.integer('done').notNullable();
    table.primary(['campaign_id', 'day']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scorecard_campaign_progress');
  await knex.schema.dropTable('scorecard_campaign_targets');
  await knex.schema.dropTable('scorecard_campaigns');
};
