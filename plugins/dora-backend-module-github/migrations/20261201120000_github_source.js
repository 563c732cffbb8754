// @ts-check

/**
 * State of the GitHub source, kept next to the DORA plugin's tables but
 * migrated on its own (`dora_github_knex_migrations`):
 * - `dora_github_poll_cursors`: per repository and deployment environment,
 *   the newest GitHub deployment the poller has fully processed and the sha
 *   of the last successful one (the base of the next compare);
 * - `dora_github_deliveries`: webhook deliveries (`X-GitHub-Delivery`)
 *   already processed, pruned after a week.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_github_poll_cursors', table => {
    table.string('repository', 200).notNullable(); // owner/repo, lower case
    table.string('environment', 63).notNullable();
    table.bigInteger('deployment_id').notNullable();
    table.timestamp('deployment_created_at', { useTz: true }).notNullable();
    table.string('base_sha', 64).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['repository', 'environment']);
  });
  await knex.schema.createTable('dora_github_deliveries', table => {
    table.string('delivery_id', 100).primary();
    table.timestamp('received_at', { useTz: true }).notNullable().index();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dora_github_deliveries');
  await knex.schema.dropTable('dora_github_poll_cursors');
};
