// @ts-check

/**
 * A version per catalog entity, bumped whenever any of its DORA facts change,
 * so every replica knows when its cached analysis of that entity is stale.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_entity_versions', table => {
    table.string('entity_ref', 255).primary();
    table.bigInteger('version').notNullable();
  });
  await knex.raw(`
    INSERT INTO dora_entity_versions (entity_ref, version)
    SELECT entity_ref, 1 FROM (
      SELECT entity_ref FROM dora_deployments WHERE entity_ref IS NOT NULL
      UNION SELECT entity_ref FROM dora_changes WHERE entity_ref IS NOT NULL
      UNION SELECT entity_ref FROM dora_incidents WHERE entity_ref IS NOT NULL
    ) refs
  `);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dora_entity_versions');
};
