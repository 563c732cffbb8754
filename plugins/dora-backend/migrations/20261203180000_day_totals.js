// @ts-check

/**
 * Per-day totals of the analysed deployments of every entity, per
 * environment, so that a scope holding most of the organisation is summed
 * from a year's days instead of from every deployment. The analysis
 * appends, in the transaction that rewrites an entity's analysed
 * deployments, what that rewrite changed on each day (signed counts and
 * duration buckets); the rows of a day add up to its totals, and are
 * compacted into one now and then. Only PostgreSQL keeps totals (SQLite,
 * the local default, sums in Node); there the totals of existing analyses
 * are computed here.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_day_totals', table => {
    table.bigIncrements('id');
    table.string('environment', 63).notNullable();
    table.timestamp('day', { useTz: true }).notNullable();
    table.integer('deployments').notNullable();
    table.integer('non_rollback').notNullable();
    table.integer('failed_non_rollback').notNullable();
    table.integer('rework').notNullable();
    table.text('lead_time_buckets').notNullable(); // JSON {bucket: count}
    table.text('recovery_buckets').notNullable(); // JSON {bucket: count}
    table.index(['environment', 'day']);
  });
  if (knex.client.config.client !== 'pg') return;
  // The buckets of src/metrics/durationBuckets.ts (1 % accuracy).
  const logGamma = Math.log((1 + 0.01) / (1 - 0.01));
  /** @param {string} seconds */
  const bucket = seconds =>
    `(case when ${seconds} < 1 then 0 else greatest(1, ceil(ln(${seconds}) / ${logGamma}::float8))::int end)`;
  await knex.raw(`
    WITH w AS (
      SELECT environment,
        to_timestamp(floor(extract(epoch from finished_at) / 86400) * 86400) AS day,
        rollback, failed, recovery_seconds, rework, lead_times
      FROM dora_analysed_deployments
    ),
    counts AS (
      SELECT environment, day, count(*) AS deployments,
        count(*) FILTER (WHERE NOT rollback) AS non_rollback,
        count(*) FILTER (WHERE failed AND NOT rollback) AS failed_non_rollback,
        count(*) FILTER (WHERE rework) AS rework
      FROM w GROUP BY environment, day
    ),
    lead AS (
      SELECT environment, day, json_object_agg(bucket, n) AS buckets FROM (
        SELECT environment, day, ${bucket(
          'lt.v::float8',
        )} AS bucket, count(*) AS n
        FROM w CROSS JOIN LATERAL jsonb_array_elements_text(w.lead_times::jsonb) AS lt(v)
        GROUP BY 1, 2, 3
      ) b GROUP BY environment, day
    ),
    recovery AS (
      SELECT environment, day, json_object_agg(bucket, n) AS buckets FROM (
        SELECT environment, day, ${bucket(
          'recovery_seconds',
        )} AS bucket, count(*) AS n
        FROM w WHERE failed AND recovery_seconds IS NOT NULL
        GROUP BY 1, 2, 3
      ) b GROUP BY environment, day
    )
    INSERT INTO dora_day_totals (environment, day, deployments, non_rollback,
      failed_non_rollback, rework, lead_time_buckets, recovery_buckets)
    SELECT c.environment, c.day, c.deployments, c.non_rollback,
      c.failed_non_rollback, c.rework,
      coalesce(l.buckets::text, '{}'), coalesce(r.buckets::text, '{}')
    FROM counts c
      LEFT JOIN lead l ON l.environment = c.environment AND l.day = c.day
      LEFT JOIN recovery r ON r.environment = c.environment AND r.day = c.day
  `);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dora_day_totals');
};
