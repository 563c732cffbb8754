import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type { Knex } from 'knex';
import { from as copyFrom } from 'pg-copy-streams';
import { ROW_COLUMNS } from './rows';

/**
 * Stores the rows of one import on the import's transaction. Rows come in
 * chunks with their label set ids; `pause` frees the connection for other
 * statements (looking up new label sets), `end` stores what is left, and
 * `abort` gives the connection back without storing anything more.
 */
export interface RowWriter<T> {
  write(labelSetIds: number[], rows: T[]): Promise<void>;
  pause(): Promise<void>;
  end(): Promise<void>;
  abort(error: Error): Promise<void>;
}

/**
 * How one database takes rows: `encode` turns a record's values (see
 * `RecordChecker.recordValues`: text or null, then numbers or null) into
 * what the writer sends, as the records are read.
 */
export interface RowFormat<T> {
  encode(values: unknown[]): T;
  open(trx: Knex.Transaction, importId: number): Promise<RowWriter<T>>;
}

// COPY's binary format: a signature, flags and header extension length, then
// per row a field count and each field as its length (-1 for NULL) and
// bytes; int4 and float8 in network byte order. A field count of -1 ends.
const BINARY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const BINARY_HEADER = Buffer.concat([BINARY_SIGNATURE, Buffer.alloc(8)]);
const BINARY_TRAILER = Buffer.from([0xff, 0xff]);
// The import id and label set id fields in front of each encoded row.
const ROW_PREFIX_BYTES = 2 + 2 * (4 + 4);

class PostgresCopyWriter implements RowWriter<Buffer> {
  readonly #connection: { query(stream: Writable): Writable };
  readonly #importId: number;
  #copy?: { stream: Writable; done: Promise<void> };

  constructor(connection: any, importId: number) {
    this.#connection = connection;
    this.#importId = importId;
  }

  #open() {
    const stream = this.#connection.query(
      copyFrom(
        `COPY cost_rows (${ROW_COLUMNS.join(
          ', ',
        )}) FROM STDIN WITH (FORMAT binary)`,
      ),
    );
    const done = finished(stream);
    // Observed by write, pause, end or abort; never left unhandled.
    done.catch(() => undefined);
    stream.write(BINARY_HEADER);
    this.#copy = { stream, done };
    return this.#copy;
  }

  async write(labelSetIds: number[], rows: Buffer[]) {
    const { stream, done } = this.#copy ?? this.#open();
    let size = 0;
    for (const row of rows) size += ROW_PREFIX_BYTES + row.length;
    const chunk = Buffer.allocUnsafe(size);
    let offset = 0;
    for (let i = 0; i < rows.length; i++) {
      offset = chunk.writeInt16BE(ROW_COLUMNS.length, offset);
      offset = chunk.writeInt32BE(4, offset);
      offset = chunk.writeInt32BE(this.#importId, offset);
      offset = chunk.writeInt32BE(4, offset);
      offset = chunk.writeInt32BE(labelSetIds[i], offset);
      offset += rows[i].copy(chunk, offset);
    }
    if (!stream.write(chunk)) {
      // The server is behind: wait for it, or for the error that stopped it.
      await Promise.race([once(stream, 'drain'), done]);
    }
  }

  async pause() {
    const copy = this.#copy;
    if (!copy) return;
    this.#copy = undefined;
    copy.stream.end(BINARY_TRAILER);
    await copy.done;
  }

  end() {
    return this.pause();
  }

  async abort(error: Error) {
    const copy = this.#copy;
    if (!copy) return;
    this.#copy = undefined;
    // Sends CopyFail, so the server ends the COPY and the transaction can
    // roll back.
    copy.stream.destroy(error);
    await copy.done.catch(() => undefined);
  }
}

/**
 * PostgreSQL: `COPY ... FROM STDIN` in its binary format on the
 * transaction's connection — no statement per row, and numbers are sent as
 * the 8 bytes they are rather than formatted by Node and parsed again by the
 * server. One COPY stays open across chunks, so the server stores a chunk
 * while the next one is read and encoded; it is ended only when a new label
 * set must be looked up.
 */
export const postgresCopy: RowFormat<Buffer> = {
  encode(values) {
    let size = 0;
    for (const value of values) {
      if (value === null || value === undefined) size += 4;
      else if (typeof value === 'number') size += 12;
      else size += 4 + Buffer.byteLength(String(value));
    }
    const row = Buffer.allocUnsafe(size);
    let offset = 0;
    for (const value of values) {
      if (value === null || value === undefined) {
        offset = row.writeInt32BE(-1, offset);
      } else if (typeof value === 'number') {
        offset = row.writeInt32BE(8, offset);
        offset = row.writeDoubleBE(value, offset);
      } else {
        const length = row.write(String(value), offset + 4);
        row.writeInt32BE(length, offset);
        offset += 4 + length;
      }
    }
    return row;
  },

  async open(trx, importId) {
    // Inside a transaction knex hands out the transaction's own connection.
    const connection = await trx.client.acquireConnection();
    return new PostgresCopyWriter(connection, importId);
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

  async open(trx, importId) {
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
    const statement = insert;
    return {
      async write(labelSetIds, rows) {
        for (let i = 0; i < rows.length; i++) {
          statement.run(importId, labelSetIds[i], ...rows[i]);
        }
      },
      async pause() {},
      async end() {},
      async abort() {},
    };
  },
};
