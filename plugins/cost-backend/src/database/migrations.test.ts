import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';

jest.setTimeout(60_000);

const migrations = {
  directory: resolvePackagePath('@paved/plugin-cost-backend', 'migrations'),
};

const databases = TestDatabases.create();

/** One representative row per table, in an order the ids allow. */
async function seed(knex: Knex) {
  const [created] = await knex('cost_imports')
    .insert({ source: 'opencost:prod', created_at: new Date() })
    .returning('id');
  const importId = Number(typeof created === 'object' ? created.id : created);
  const [labelSet] = await knex('cost_label_sets')
    .insert({ labels_hash: 'a'.repeat(64), labels: '{"app":"checkout"}' })
    .returning('id');
  const labelSetId = Number(
    typeof labelSet === 'object' ? labelSet.id : labelSet,
  );
  await knex('cost_rows').insert({
    import_id: importId,
    day: '2026-10-01',
    label_set_id: labelSetId,
    kind: 'workload',
    cluster: 'prod',
    namespace: 'shop',
    cost_compute: 1.5,
    effective_cost: 1.5,
    cpu_efficiency: 0.5,
    cpu_core_hours: 24,
  });
  await knex('cost_allocations').insert({
    label_set_id: labelSetId,
    entity_ref: 'component:default/checkout',
    shared: false,
    node_cluster: null,
  });
  await knex('cost_day_pools').insert({
    day: '2026-10-01',
    cluster: 'prod',
    idle: 0.5,
    shared: 0,
    cloud: 0,
    direct_total: 1.5,
    entities: 1,
    node_cost: 2,
  });
  await knex('cost_source_days').insert({
    source: 'opencost:prod',
    day: '2026-10-01',
    import_id: importId,
    final: true,
    imported_at: new Date(),
    description: 'OpenCost allocation',
    rows: 1,
  });
  await knex('cost_import_clusters').insert({
    import_id: importId,
    cluster: 'prod',
  });
}

const TABLES = [
  'cost_imports',
  'cost_label_sets',
  'cost_rows',
  'cost_allocations',
  'cost_day_pools',
  'cost_source_days',
  'cost_import_clusters',
];

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

describe.each(databases.eachSupportedId())('cost migrations (%s)', id => {
  it('migrates up, holds a row in every table, migrates all the way down and up again', async () => {
    const knex = await databases.init(id);

    await knex.migrate.latest(migrations);
    expect(await existingTables(knex)).toEqual(TABLES);
    await seed(knex);
    expect(await rowCounts(knex)).toEqual(
      Object.fromEntries(TABLES.map(t => [t, 1])),
    );
    const [row] = await knex('cost_rows').select();
    expect(row).toMatchObject({
      day: '2026-10-01',
      cluster: 'prod',
      cost_compute: 1.5,
      cost_memory: 0,
      billed_cost: null,
    });

    await knex.migrate.rollback(migrations, true);
    expect(await existingTables(knex)).toEqual([]);

    await knex.migrate.latest(migrations);
    expect(await existingTables(knex)).toEqual(TABLES);
    await seed(knex);
    expect(await rowCounts(knex)).toEqual(
      Object.fromEntries(TABLES.map(t => [t, 1])),
    );
  });
});
