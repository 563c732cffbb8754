// @ts-check

/**
 * Webhook deliveries are claimed before they are processed, so that the
 * same delivery at two replicas is processed by one: `processed` is false
 * while the claiming replica works on it (`received_at` is when it
 * claimed it) and true once done. Deliveries recorded before claims were
 * processed ones.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('dora_github_deliveries', table => {
    table.boolean('processed').notNullable().defaultTo(true);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  // Claims still being processed were never recorded before.
  await knex('dora_github_deliveries').where({ processed: false }).delete();
  await knex.schema.alterTable('dora_github_deliveries', table => {
    table.dropColumn('processed');
  });
};
