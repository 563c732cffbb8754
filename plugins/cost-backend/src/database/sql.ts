import type { Knex } from 'knex';

// Values bound in one statement: well below SQLite's (32,766) and
// PostgreSQL's (65,535) limits on bind parameters, however many ids an
// import brings.
const IDS_PER_STATEMENT = 500;

/** `values` in slices of at most `size`, for IN lists and multi-row inserts. */
export function slices<T>(values: T[], size = IDS_PER_STATEMENT): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < values.length; i += size) {
    result.push(values.slice(i, i + size));
  }
  return result;
}

/** Whether the store runs on PostgreSQL (else SQLite). */
export function isPostgres(db: Knex): boolean {
  return db.client.config.client === 'pg';
}
