import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { whereScopeMember } from './whereScopeMember';

describe('whereScopeMember', () => {
  const databases = TestDatabases.create();

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    it('finds the members of a scope of any size in one statement, and nothing else', async () => {
      const db = await databases.init(databaseId);
      await db.schema.createTable('costs', table => {
        table.string('entity_ref').notNullable();
        table.integer('amount').notNullable();
      });
      const refs = Array.from(
        { length: 40_000 },
        (_, i) => `component:default/service-${i}`,
      );
      await db.batchInsert(
        'costs',
        refs.map(entityRef => ({ entity_ref: entityRef, amount: 1 })),
        200,
      );
      const statements: string[] = [];
      db.on('query', q => statements.push(q.sql));
      const sum = async (members: string[]) => {
        const [row] = await whereScopeMember(
          db,
          db('costs').sum({ total: 'amount' }),
          'entity_ref',
          members,
        );
        return Number(row.total ?? 0);
      };

      // A team, a department and an organisation larger than either
      // database's limit on bound parameters.
      expect(await sum(refs.slice(0, 25))).toBe(25);
      expect(await sum(refs.slice(0, 250))).toBe(250);
      expect(await sum(refs.slice(0, 35_000))).toBe(35_000);
      // Refs the table does not hold, and an empty scope, sum nothing.
      expect(
        await sum([...refs.slice(0, 150), 'component:default/elsewhere']),
      ).toBe(150);
      expect(await sum([])).toBe(0);
      // Quotes in a ref are data, not SQL.
      expect(await sum([...refs.slice(0, 200), "x') or ('1'='1"])).toBe(200);
      expect(statements).toHaveLength(6);

      await db.destroy();
    }, 60_000);
  });

  it('joins a large scope with the rows on PostgreSQL, rather than comparing every row with the whole list', async () => {
    const db = await databases.init('POSTGRES_15');
    await db.schema.createTable('costs', table => {
      table.string('entity_ref').notNullable().index();
      table.integer('amount').notNullable();
    });
    const refs = Array.from(
      { length: 5_000 },
      (_, i) => `component:default/service-${i}`,
    );
    const query = whereScopeMember(
      db,
      db('costs').sum({ total: 'amount' }),
      'entity_ref',
      refs,
    ).toSQL();
    const { rows } = await db.raw(
      `EXPLAIN (FORMAT JSON) ${query.sql}`,
      query.bindings as Knex.RawBinding[],
    );
    // `= any(array(...))` compared each row with all 5,000 refs: seconds
    // over a year's history, where a join takes milliseconds.
    const plan = JSON.stringify(rows[0]['QUERY PLAN']);
    expect(plan).not.toMatch(/ANY/);
    expect(plan).toMatch(/Join/);
    await db.destroy();
  }, 60_000);
});
