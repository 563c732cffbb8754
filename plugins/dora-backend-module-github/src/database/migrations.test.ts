import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';

jest.setTimeout(60_000);

// The module's own migrations table, as GithubSourceStore uses it.
const migrations = {
  directory: resolvePackagePath(
    '@paved/plugin-dora-backend-module-github',
    'migrations',
  ),
  tableName: 'dora_github_knex_migrations',
};
const pluginMigrations = {
  directory: resolvePackagePath('@paved/plugin-dora-backend', 'migrations'),
};

const databases = TestDatabases.create();

const TABLES = ['dora_github_poll_cursors', 'dora_github_deliveries'];

/** One representative row per table. */
async function seed(knex: Knex) {
  await knex('dora_github_poll_cursors').insert({
    repository: 'acme/checkout',
    environment: 'production',
    deployment_id: 9_007_199_254, // a GitHub id beyond 32 bits
    deployment_created_at: new Date('2026-10-01T12:00:00Z'),
    base_sha: 'a'.repeat(40),
    updated_at: new Date(),
  });
  await knex('dora_github_deliveries').insert({
    delivery_id: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    received_at: new Date(),
  });
}

async function existingTables(knex: Knex, tables = TABLES) {
  const exists = await Promise.all(tables.map(t => knex.schema.hasTable(t)));
  return tables.filter((_, i) => exists[i]);
}

describe.each(databases.eachSupportedId())(
  'GitHub DORA source migrations (%s)',
  id => {
    it('migrates up, holds a row in every table, migrates all the way down and up again, leaving the plugin’s tables alone', async () => {
      const knex = await databases.init(id);
      // The module's tables live in the DORA plugin's database.
      await knex.migrate.latest(pluginMigrations);

      await knex.migrate.latest(migrations);
      expect(await existingTables(knex)).toEqual(TABLES);
      await seed(knex);
      const [cursor] = await knex('dora_github_poll_cursors').select();
      expect(Number(cursor.deployment_id)).toBe(9_007_199_254);
      const [{ n }] = await knex('dora_github_deliveries').count({ n: '*' });
      expect(Number(n)).toBe(1);

      await knex.migrate.rollback(migrations, true);
      expect(await existingTables(knex)).toEqual([]);
      expect(await existingTables(knex, ['dora_deployments'])).toEqual([
        'dora_deployments',
      ]);

      await knex.migrate.latest(migrations);
      expect(await existingTables(knex)).toEqual(TABLES);
      await seed(knex);
    });
  },
);
