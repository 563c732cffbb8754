// @ts-check

/**
 * The metric rules' verdict on every successful deployment, maintained per
 * entity after ingest: delivered changes with lead times, failed and why,
 * recovery, rework. Reads aggregate these rows over a window instead of
 * re-reading raw history. `dora_analysis_versions` records which version of
 * an entity's facts (dora_entity_versions) the rows were computed from.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_analysed_deployments', table => {
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('source', 200).notNullable();
    table.string('event_id', 200).notNullable();
    table.timestamp('finished_at', { useTz: true }).notNullable();
    table.boolean('rollback').notNullable();
    table.boolean('failed').notNullable();
    table.double('recovery_seconds').nullable();
    table.boolean('rework').notNullable();
    table.text('lead_times').notNullable(); // JSON array of seconds
    table.text('row').notNullable(); // JSON: the drill-down row
    table.primary(['entity_ref', 'environment', 'source', 'event_id']);
    table.index(['environment', 'finished_at']);
    table.index(['entity_ref', 'environment', 'finished_at']);
  });
  await knex.schema.createTable('dora_analysis_versions', table => {
    table.string('entity_ref', 255).primary();
    table.bigInteger('version').notNullable();
  });
  // Only unattributed events are looked up by service name; indexing just
  // those keeps ingest from maintaining a full index on every raw table.
  for (const name of ['dora_deployments', 'dora_changes', 'dora_incidents']) {
    await knex.schema.alterTable(name, table => {
      table.dropIndex(['service']);
      table.index(['service'], `${name}_unattributed_service_idx`, {
        predicate: knex.whereNull('entity_ref'),
      });
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const name of ['dora_deployments', 'dora_changes', 'dora_incidents']) {
    await knex.schema.alterTable(name, table => {
      table.dropIndex(['service'], `${name}_unattributed_service_idx`);
      table.index(['service']);
    });
  }
  await knex.schema.dropTable('dora_analysis_versions');
  await knex.schema.dropTable('dora_analysed_deployments');
};
