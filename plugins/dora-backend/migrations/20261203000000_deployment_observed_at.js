// @ts-check

/**
 * When a source saw a deployment's state upstream (e.g. the `updated_at` of
 * a GitHub deployment status). A stored deployment is never replaced by an
 * event observed earlier, so a replayed old status changes nothing. Null
 * for events that do not say.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('dora_deployments', table => {
    table.timestamp('observed_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('dora_deployments', table => {
    table.dropColumn('observed_at');
  });
};
