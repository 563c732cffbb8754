import type { Knex } from 'knex';

/**
 * Scopes up to this many members are bound one parameter per ref
 * (`IN (?, …)`); larger ones (a department, the organisation) as one JSON
 * parameter.
 */
const LISTED_MEMBERS = 100;

/**
 * Restricts a store's query to a resolved scope's members: `column` is one
 * of `entityRefs`, in one statement however many there are. A large scope
 * travels as one JSON parameter, not thousands of bound ones, so no read
 * meets SQLite's (32,766) or PostgreSQL's (65,535) limit on bound
 * parameters, none is split into chunks whose rows must be added up again,
 * and the driver does not number and serialise thousands of parameters for
 * every statement.
 */
export function whereScopeMember<Query extends Knex.QueryBuilder>(
  db: Knex,
  query: Query,
  column: string,
  entityRefs: readonly string[],
): Query {
  if (entityRefs.length <= LISTED_MEMBERS) {
    query.whereIn(column, [...entityRefs]);
  } else if (db.client.dialect === 'postgresql') {
    // A subquery PostgreSQL joins by hash or index: `= any(array(...))`
    // compares each row with the whole array, which took 4.2 s for 5,000
    // refs over 450,000 rows where this takes 86 ms.
    query.whereRaw('?? in (select jsonb_array_elements_text(?::jsonb))', [
      column,
      JSON.stringify(entityRefs),
    ]);
  } else {
    query.whereRaw('?? in (select value from json_each(?))', [
      column,
      JSON.stringify(entityRefs),
    ]);
  }
  return query;
}
