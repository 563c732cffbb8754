// @ts-check

/**
 * Where each entity's facts changed since its analysis was last complete:
 * the earliest anchor (epoch ms) of a fact stored since (a deployment's
 * finish, a change's authoring, an incident's opening). The analysis reads
 * it to analyse only the verdicts a change can reach; NULL, as for every
 * entity analysed before this column, means the whole history.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('dora_entity_versions', table => {
    table.bigInteger('changed_from').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('dora_entity_versions', table => {
    table.dropColumn('changed_from');
  });
};
