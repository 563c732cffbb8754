import { finished } from 'node:stream/promises';
import type { Knex } from 'knex';
import { from as copyFrom } from 'pg-copy-streams';
import { ROW_COLUMNS } from './rows';

/**
 * How one database takes rows: `encode` turns a record's values (see
 * `RecordChecker.recordValues`) into what `write` sends, as the records are
 * read; `write` stores a chunk with its import and label set ids.
 */
export interface RowFormat<T> {
  encode(values: unknown[]): T;
  write(
    trx: Knex.Transaction,
    importId: number,
    labelSetIds: number[],
    rows: T[],
  ): Promise<void>;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

function escapeCopyText(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(
    /[\\\t\n\r]/g,
    c => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }[c]!),
  );
}

/**
 * PostgreSQL: `COPY ... FROM STDIN` in its text format on the transaction's
 * connection — the bulk path, no statement to parse per row. Rows are
 * encoded as they are read, so the server parses one chunk while the next
 * is read and encoded.
 */
export const postgresCopy: RowFormat<string> = {
  encode(values) {
    // join, not +=: a line built by concatenation is a tree of string
    // pieces that lives until the chunk is written, which costs the
    // garbage collector more than the encoding itself.
    const fields = new Array<string>(values.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value === null || value === undefined) fields[i] = '\\N';
      else if (typeof value === 'number') fields[i] = String(value);
      else fields[i] = escapeCopyText(String(value));
    }
    return fields.join('\t');
  },

  async write(trx, importId, labelSetIds, rows) {
    // Inside a transaction knex hands out the transaction's own connection.
    const connection = await trx.client.acquireConnection();
    const stream = connection.query(
      copyFrom(`COPY cost_rows (${ROW_COLUMNS.join(', ')}) FROM STDIN`),
    );
    const done = finished(stream);
    let text = '';
    for (let i = 0; i < rows.length; i++) {
      text += `${importId}\t${labelSetIds[i]}\t${rows[i]}\n`;
      if (text.length >= 256 * 1024) {
        stream.write(text);
        text = '';
      }
    }
    stream.end(text.length > 0 ? text : undefined);
    await done;
  },
};

/** A better-sqlite3 statement, as far as it is used here. */
type SqliteStatement = { run(...values: unknown[]): unknown };
const sqliteInserts = new WeakMap<object, SqliteStatement>();

/**
 * SQLite: one prepared INSERT, run once per row on the transaction's
 * connection. SQLite runs in this process, so there is no round trip to
 * save; a multi-row statement only adds parsing (a JSON parameter took 50 µs
 * a row, a placeholder per value holds native memory the garbage collector
 * does not see).
 */
export const sqliteInsert: RowFormat<unknown[]> = {
  encode(values) {
    return values;
  },

  async write(trx, importId, labelSetIds, rows) {
    // Inside a transaction knex hands out the transaction's own connection:
    // a better-sqlite3 Database.
    const connection = await trx.client.acquireConnection();
    let insert = sqliteInserts.get(connection);
    if (!insert) {
      insert = connection.prepare(
        `INSERT INTO cost_rows (${ROW_COLUMNS.join(
          ', ',
        )}) VALUES (${ROW_COLUMNS.map(() => '?').join(', ')})`,
      ) as SqliteStatement;
      sqliteInserts.set(connection, insert);
    }
    for (let i = 0; i < rows.length; i++) {
      insert.run(importId, labelSetIds[i], ...rows[i]);
    }
  },
};
