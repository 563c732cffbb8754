import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { bucketSeconds } from '../metrics/durationBuckets';

jest.setTimeout(60_000);

const migrations = {
  directory: resolvePackagePath('@paved/plugin-dora-backend', 'migrations'),
};

const databases = TestDatabases.create();

const TABLES = [
  'dora_deployments',
  'dora_changes',
  'dora_incidents',
  'dora_entity_versions',
  'dora_analysed_deployments',
  'dora_analysis_versions',
  'dora_day_totals',
  'dora_analysis_rules',
];

const entityRef = 'component:default/checkout';
const finishedAt = new Date('2026-10-01T12:00:00Z');

/** One representative row per table. */
async function seed(knex: Knex) {
  const fact = {
    source: 'github',
    service: 'checkout',
    entity_ref: entityRef,
    content_hash: 'c'.repeat(64),
  };
  await knex('dora_deployments').insert({
    ...fact,
    event_id: 'deploy-1',
    environment: 'production',
    status: 'success',
    started_at: new Date('2026-10-01T11:50:00Z'),
    finished_at: finishedAt,
    commit_sha: 'a'.repeat(40),
    commits: JSON.stringify(['a'.repeat(40)]),
    rollback: false,
    unplanned: false,
    observed_at: finishedAt,
  });
  await knex('dora_changes').insert({
    ...fact,
    event_id: 'change-1',
    sha: 'a'.repeat(40),
    authored_at: new Date('2026-09-30T09:00:00Z'),
    pr_number: 42,
    labels: JSON.stringify(['hotfix']),
  });
  await knex('dora_incidents').insert({
    ...fact,
    service: 'unattributed-service',
    entity_ref: null,
    event_id: 'incident-1',
    environment: 'production',
    opened_at: new Date('2026-10-01T13:00:00Z'),
    resolved_at: null,
    caused_by_deployment_id: 'deploy-1',
  });
  await knex('dora_entity_versions').insert({
    entity_ref: entityRef,
    version: 3,
  });
  await knex('dora_analysed_deployments').insert({
    entity_ref: entityRef,
    environment: 'production',
    source: 'github',
    event_id: 'deploy-1',
    finished_at: finishedAt,
    rollback: false,
    failed: true,
    recovery_seconds: 3600,
    rework: false,
    lead_times: JSON.stringify([97200]),
    row: JSON.stringify({ id: 'deploy-1' }),
  });
  await knex('dora_analysis_versions').insert({
    entity_ref: entityRef,
    version: 3,
  });
  const day = new Date('2026-10-01T00:00:00Z');
  await knex('dora_day_totals').insert({
    environment: 'production',
    day,
    deployments: 1,
    non_rollback: 1,
    failed_non_rollback: 1,
    rework: 0,
    lead_time_buckets: JSON.stringify({ 577: 1 }),
    recovery_buckets: JSON.stringify({ 414: 1 }),
  });
  await knex('dora_analysis_rules').insert({
    id: 1,
    rules: JSON.stringify({ analysis: 1 }),
    adopted_at: day,
  });
}

async function existingTables(knex: Knex) {
  const exists = await Promise.all(TABLES.map(t => knex.schema.hasTable(t)));
  return TABLES.filter((_, i) => exists[i]);
}

async function rowCounts(knex: Knex) {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [{ n }] = await knex(table).count({ n: '*' });
    counts[table] = Number(n);
  }
  return counts;
}

describe.each(databases.eachSupportedId())('DORA migrations (%s)', id => {
  it('migrates up, holds a row in every table, migrates all the way down and up again', async () => {
    const knex = await databases.init(id);

    await knex.migrate.latest(migrations);
    expect(await existingTables(knex)).toEqual(TABLES);
    await seed(knex);
    expect(await rowCounts(knex)).toEqual(
      Object.fromEntries(TABLES.map(t => [t, 1])),
    );
    const [version] = await knex('dora_entity_versions').select();
    expect(Number(version.version)).toBe(3);

    await knex.migrate.rollback(migrations, true);
    expect(await existingTables(knex)).toEqual([]);

    await knex.migrate.latest(migrations);
    expect(await existingTables(knex)).toEqual(TABLES);
    await seed(knex);
    expect(await rowCounts(knex)).toEqual(
      Object.fromEntries(TABLES.map(t => [t, 1])),
    );
  });

  it('totals the days of deployments analysed before day totals existed (PostgreSQL)', async () => {
    const knex = await databases.init(id);
    await knex.migrate.latest(migrations);
    await knex.migrate.down({
      ...migrations,
      name: '20261203180000_day_totals.js',
    });
    expect(await knex.schema.hasTable('dora_day_totals')).toBe(false);
    await knex('dora_analysed_deployments').insert(
      ['2026-10-01T00:00:00Z', '2026-10-01T23:59:59Z'].map((at, i) => ({
        entity_ref: entityRef,
        environment: 'production',
        source: 'github',
        event_id: `deploy-${i}`,
        finished_at: new Date(at),
        rollback: false,
        failed: i === 1,
        recovery_seconds: i === 1 ? 3600 : null,
        rework: false,
        lead_times: JSON.stringify(i === 1 ? [60, 7200] : []),
        row: '{}',
      })),
    );

    await knex.migrate.latest(migrations);

    const totalsOnPostgres = [
      {
        environment: 'production',
        day: '2026-10-01T00:00:00.000Z',
        deployments: 2,
        failed: 1,
        leadTimes: [expect.closeTo(60, -0.2), expect.closeTo(7200, -2.2)],
        recovery: [expect.closeTo(3600, -1.9)],
      },
    ];
    const totals = await knex('dora_day_totals').select();
    // SQLite keeps no day totals: it sums in Node.
    expect(
      totals.map(t => ({
        environment: t.environment,
        day: new Date(t.day).toISOString(),
        deployments: Number(t.deployments),
        failed: Number(t.failed_non_rollback),
        leadTimes: Object.keys(JSON.parse(t.lead_time_buckets)).map(b =>
          bucketSeconds(Number(b)),
        ),
        recovery: Object.keys(JSON.parse(t.recovery_buckets)).map(b =>
          bucketSeconds(Number(b)),
        ),
      })),
    ).toEqual(id.startsWith('POSTGRES') ? totalsOnPostgres : []);
  });

  it('gives the entities of facts stored before it a first facts version', async () => {
    const knex = await databases.init(id);
    await knex.migrate.up({
      ...migrations,
      name: '20261126120000_init.js',
    });
    await knex('dora_changes').insert({
      source: 'github',
      event_id: 'change-1',
      service: 'checkout',
      entity_ref: entityRef,
      sha: 'a'.repeat(40),
      authored_at: new Date('2026-09-30T09:00:00Z'),
      labels: '[]',
      content_hash: 'c'.repeat(64),
    });

    await knex.migrate.latest(migrations);

    const versions = await knex('dora_entity_versions').select();
    expect(versions.map(v => [v.entity_ref, Number(v.version)])).toEqual([
      [entityRef, 1],
    ]);
  });
});
