// @ts-check

/**
 * When each golden-path version was first seen, and when each component
 * was first seen on each version, so adoption can say how long after a
 * release its components are current; and the day's summary of the
 * releases on the adoption row (JSON).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_template_releases', table => {
    table.string('template_ref', 255).notNullable();
    table.string('version', 64).notNullable();
    table.timestamp('first_seen', { useTz: true }).notNullable();
    // First seen with the template itself: released before Paved saw it,
    // so its release time is not known.
    table.boolean('seen_at_start').notNullable();
    table.primary(['template_ref', 'version']);
  });
  await knex.schema.createTable('scorecard_component_versions', table => {
    table.string('entity_ref', 255).notNullable();
    table.string('template_ref', 255).notNullable();
    table.string('version', 64).notNullable();
    table.timestamp('first_seen', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'template_ref', 'version']);
    table.index(['template_ref']);
  });
  await knex.schema.alterTable('scorecard_adoption', table => {
    // JSON: [{ templateRef, version, releasedAt, components, current,
    // upgraded, medianDays }], or null in rows written before.
    table.text('releases').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('scorecard_adoption', table => {
    table.dropColumn('releases');
  });
  await knex.schema.dropTable('scorecard_component_versions');
  await knex.schema.dropTable('scorecard_template_releases');
};
