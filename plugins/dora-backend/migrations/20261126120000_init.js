// @ts-check

/**
 * Raw DORA facts, one table per event type. `(source, event_id)` is the
 * natural key, so re-delivery updates or leaves a row instead of adding one.
 * `entity_ref` is the catalog entity the event's service resolved to, or null
 * while unattributed.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_deployments', table => {
    table.string('source', 200).notNullable();
    table.string('event_id', 200).notNullable();
    table.string('service', 253).notNullable();
    table.string('entity_ref', 255).nullable();
    table.string('environment', 63).notNullable();
    table.string('status', 16).notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).notNullable();
    table.string('commit_sha', 64).notNullable();
    table.text('commits').notNullable(); // JSON array of shas
    table.boolean('rollback').notNullable().defaultTo(false);
    table.boolean('unplanned').notNullable().defaultTo(false);
    table.string('content_hash', 64).notNullable();
    table.primary(['source', 'event_id']);
    table.index(['entity_ref', 'environment', 'finished_at']);
    table.index(['service']);
  });
  await knex.schema.createTable('dora_changes', table => {
    table.string('source', 200).notNullable();
    table.string('event_id', 200).notNullable();
    table.string('service', 253).notNullable();
    table.string('entity_ref', 255).nullable();
    table.string('sha', 64).notNullable();
    table.timestamp('authored_at', { useTz: true }).notNullable();
    table.integer('pr_number').nullable();
    table.text('labels').notNullable(); // JSON array
    table.string('content_hash', 64).notNullable();
    table.primary(['source', 'event_id']);
    table.index(['entity_ref', 'sha']);
    table.index(['service']);
  });
  await knex.schema.createTable('dora_incidents', table => {
    table.string('source', 200).notNullable();
    table.string('event_id', 200).notNullable();
    table.string('service', 253).notNullable();
    table.string('entity_ref', 255).nullable();
    table.string('environment', 63).notNullable();
    table.timestamp('opened_at', { useTz: true }).notNullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.string('caused_by_deployment_id', 200).nullable();
    table.string('caused_by_sha', 64).nullable();
    table.string('resolved_by_deployment_id', 200).nullable();
    table.string('content_hash', 64).notNullable();
    table.primary(['source', 'event_id']);
    table.index(['entity_ref', 'environment', 'opened_at']);
    table.index(['service']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dora_incidents');
  await knex.schema.dropTable('dora_changes');
  await knex.schema.dropTable('dora_deployments');
};
