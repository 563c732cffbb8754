// @ts-check

/**
 * What each version of an entity's facts changed: the earliest anchor
 * (epoch ms) of the facts a batch stored (a deployment's finish, a change's
 * authoring, an incident's opening), NULL when the change can reach any
 * verdict. The analysis reads the versions after the one it last analysed
 * to analyse only the verdicts they reach, and deletes them once it has
 * stored its analysis. Entities stale now get a version of unknown reach:
 * their next analysis reads their whole history.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_fact_changes', table => {
    table.string('entity_ref', 255).notNullable();
    table.integer('version').notNullable();
    table.bigInteger('changed_from').nullable();
    table.primary(['entity_ref', 'version']);
  });
  await knex
    .into(
      knex.raw('?? (??, ??, ??)', [
        'dora_fact_changes',
        'entity_ref',
        'version',
        'changed_from',
      ]),
    )
    .insert(
      knex('dora_entity_versions as v')
        .leftJoin('dora_analysis_versions as a', 'a.entity_ref', 'v.entity_ref')
        .where(q =>
          q
            .whereNull('a.version')
            .orWhereRaw('?? <> ??', ['a.version', 'v.version']),
        )
        .select('v.entity_ref', 'v.version', knex.raw('NULL')),
    );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dora_fact_changes');
};
