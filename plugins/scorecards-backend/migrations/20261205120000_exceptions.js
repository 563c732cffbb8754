// @ts-check

/**
 * Exceptions to scorecard checks: a component's owner asks for time off
 * one check with a reason and an expiry, an admin approves or rejects.
 * `open_key` (entity ref and check id) is set while an exception is
 * pending or approved and unexpired, and unique, so a component never has
 * two open exceptions to one check, however many replicas take requests.
 * Every change is also a row of `scorecard_exception_events`: who, when,
 * what and why.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_exceptions', table => {
    table.string('id', 36).primary();
    table.string('entity_ref', 255).notNullable().index();
    table.string('check_id', 127).notNullable();
    table.text('reason').notNullable();
    // pending, approved, rejected or expired.
    table.string('status', 15).notNullable();
    table.string('requested_by', 255).notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.string('decided_by', 255).nullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
    table.text('decision_note').nullable();
    // When the owners were told the exception is about to expire.
    table.timestamp('reminded_at', { useTz: true }).nullable();
    table.string('open_key', 400).nullable().unique();
  });
  await knex.schema.createTable('scorecard_exception_events', table => {
    table.increments('id');
    table.string('exception_id', 36).notNullable().index();
    // requested, approved, rejected, reminded or expired.
    table.string('action', 15).notNullable();
    table.string('actor', 255).notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.text('note').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scorecard_exception_events');
  await knex.schema.dropTable('scorecard_exceptions');
};
