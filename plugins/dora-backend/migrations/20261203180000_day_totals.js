// @ts-check

/**
 * Per-day totals of the analysed deployments of every entity, per
 * environment, so that a scope holding most of the organisation is summed
 * from a year's days instead of from every deployment. Analysis marks the
 * days it changes as dirty (insert-only rows, so writers never wait on one
 * another); the totals of a dirty day are recomputed before they are read.
 * Only PostgreSQL keeps totals (SQLite, the local default, sums in Node);
 * there the days of existing analyses are marked dirty.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_day_totals', table => {
    table.string('environment', 63).notNullable();
    table.timestamp('day', { useTz: true }).notNullable();
    table.integer('deployments').notNullable();
    table.integer('non_rollback').notNullable();
    table.integer('failed_non_rollback').notNullable();
    table.integer('rework').notNullable();
    table.text('lead_time_buckets').notNullable(); // JSON {bucket: count}
    table.text('recovery_buckets').notNullable(); // JSON {bucket: count}
    table.primary(['environment', 'day']);
  });
  await knex.schema.createTable('dora_dirty_days', table => {
    table.bigIncrements('id');
    table.string('environment', 63).notNullable();
    table.timestamp('day', { useTz: true }).notNullable();
    table.index(['environment', 'day']);
  });
  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      INSERT INTO dora_dirty_days (environment, day)
      SELECT DISTINCT environment,
        to_timestamp(floor(extract(epoch from finished_at) / 86400) * 86400)
      FROM dora_analysed_deployments
    `);
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dora_dirty_days');
  await knex.schema.dropTable('dora_day_totals');
};
