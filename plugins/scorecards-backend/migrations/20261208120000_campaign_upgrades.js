// @ts-check

/**
 * Template-upgrade campaigns: the version of the targeted template
 * (target.template) the components must be on; null for campaigns that
 * ask only checks.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('scorecard_campaigns', table => {
    table.string('upgrade_to', 40).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('scorecard_campaigns', table => {
    table.dropColumn('upgrade_to');
  });
};
