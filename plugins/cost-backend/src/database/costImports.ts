import { createHash } from 'node:crypto';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import type { Knex } from 'knex';
import { ConflictError, InputError } from '@backstage/errors';
import { addDays, type CostSourceStatus } from '@paved/plugin-cost-common';
import {
  COST_REPLACE_MAX_DAYS,
  COST_SOURCE_ID_MAX_LENGTH,
  type CostReplaceRequest,
} from '@paved/plugin-cost-node';
import type { CostImportTransaction, ReplaceResult } from './CostStore';
import {
  RecordChecker,
  canonicalLabels,
  daysBetween,
  isDay,
  labelsHash,
} from './rows';
import { postgresCopy, sqliteInsert, type RowFormat } from './rowWriters';
import { isPostgres, slices } from './sql';

// Rows handed to the writer at a time. PostgreSQL stores a chunk while the
// next one is read and encoded; SQLite inserts it in this process.
const POSTGRES_CHUNK = 1_000;
const SQLITE_CHUNK = 2_000;
// Label-set ids remembered during one import; bounded so a file with a
// unique tag on every row cannot grow memory without limit.
const MAX_REMEMBERED_LABEL_SETS = 100_000;

/**
 * The PostgreSQL advisory lock key of a source's imports: 64 bits of a
 * hash, so two sources practically never share one.
 */
function importLockKey(source: string): string {
  return createHash('sha256')
    .update(`paved-cost-import:${source}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/** What a second import of a source hears while one is running (409). */
function importRunning(source: string) {
  return new ConflictError(
    `An import of source ${source} is running; try again when it has finished`,
  );
}

/** Refuses a replace request the store cannot take, before any work. */
function checkRequest(request: CostReplaceRequest) {
  const { source } = request;
  if (!source) throw new InputError('A cost source needs an id');
  if (source.length > COST_SOURCE_ID_MAX_LENGTH) {
    throw new InputError(
      `A cost source id is at most ${COST_SOURCE_ID_MAX_LENGTH} characters long`,
    );
  }
  if ((request.from === undefined) !== (request.to === undefined)) {
    throw new InputError('Give both from and to, or neither');
  }
  if (request.from !== undefined && !isDay(request.from)) {
    throw new InputError(`from is not a YYYY-MM-DD day: ${request.from}`);
  }
  if (request.to !== undefined && !isDay(request.to)) {
    throw new InputError(`to is not a YYYY-MM-DD day: ${request.to}`);
  }
  if (
    request.from !== undefined &&
    request.to! > addDays(request.from, COST_REPLACE_MAX_DAYS)
  ) {
    throw new InputError(
      `A replace covers at most ${COST_REPLACE_MAX_DAYS} days; ${request.from} to ${request.to} is longer`,
    );
  }
}

/**
 * The ids of label sets in one import, stored on first sight: one lookup
 * per chunk of rows for the sets neither this import nor an earlier,
 * committed one has seen. Ids never change once stored.
 */
class LabelSetIds {
  readonly #trx: Knex.Transaction;
  readonly #committed: ReadonlyMap<string, number>;
  /** Ids this import looked up; known to others once it commits. */
  readonly learned = new Map<string, number>();

  constructor(trx: Knex.Transaction, committed: ReadonlyMap<string, number>) {
    this.#trx = trx;
    this.#committed = committed;
  }

  #idOf(canonical: string) {
    return this.learned.get(canonical) ?? this.#committed.get(canonical);
  }

  /** Whether `idsOf` would have to look any of these up. */
  anyUnknown(canonicals: string[]): boolean {
    if (this.learned.size > MAX_REMEMBERED_LABEL_SETS) return true;
    return canonicals.some(c => this.#idOf(c) === undefined);
  }

  async idsOf(canonicals: string[]): Promise<number[]> {
    if (this.learned.size > MAX_REMEMBERED_LABEL_SETS) this.learned.clear();
    const unknown = new Map<string, string>();
    for (const canonical of canonicals) {
      if (this.#idOf(canonical) === undefined) {
        unknown.set(labelsHash(canonical), canonical);
      }
    }
    const hashes = [...unknown.keys()];
    // knex writes a multi-row insert on SQLite as a compound SELECT, which
    // SQLite caps at 500 terms.
    for (let i = 0; i < hashes.length; i += 400) {
      const slice = hashes.slice(i, i + 400);
      await this.#trx('cost_label_sets')
        .insert(slice.map(h => ({ labels_hash: h, labels: unknown.get(h) })))
        .onConflict('labels_hash')
        .ignore();
      const stored = await this.#trx('cost_label_sets')
        .whereIn('labels_hash', slice)
        .select('id', 'labels_hash');
      for (const row of stored) {
        this.learned.set(unknown.get(row.labels_hash)!, Number(row.id));
      }
    }
    return canonicals.map(c => this.#idOf(c)!);
  }
}

/**
 * Writes the imports of cost rows: one source's days replaced at a time,
 * all or nothing, one import of a source at a time.
 */
export class CostImports {
  readonly #db: Knex;
  /** Label set ids of committed imports, so a daily import looks up none. */
  readonly #labelSetIds = new Map<string, number>();
  /** Sources an import of this process is storing (their import lock). */
  readonly #running = new Set<string>();

  constructor(db: Knex) {
    this.#db = db;
  }

  /**
   * Stores a source's rows for some days, replacing what it stored for those
   * days, in one transaction. Records are consumed in chunks, so memory
   * stays bounded however many there are. Any error rolls everything back
   * and propagates unchanged. A ConflictError when another import of the
   * source is running (see `transaction`).
   */
  async replace(request: CostReplaceRequest): Promise<ReplaceResult> {
    const { result } = await this.transaction(tx => tx.replace(request));
    return result;
  }

  /**
   * Runs `store` in one database transaction: the replace calls it makes
   * (one after another) are committed together when it returns, or rolled
   * back together when it throws. Returns its result, and the days and
   * clusters of all its calls.
   *
   * One import of a source at a time: a call takes the source's lock for
   * the rest of the transaction — in this process, and on PostgreSQL a
   * transaction-level advisory lock, so an import on another replica (a
   * scheduled run that outlived its timeout) is shut out as well. A source
   * whose lock is held is refused at once with a ConflictError (409)
   * rather than waited for: the lock is released when the holder commits
   * or rolls back (or its connection dies), and nothing of the refused
   * import has been read or stored.
   */
  async transaction<T>(
    store: (tx: CostImportTransaction) => Promise<T>,
  ): Promise<{ result: T; days: string[]; clusters: string[] }> {
    const [format, chunkSize] = isPostgres(this.#db)
      ? [postgresCopy as RowFormat<unknown>, POSTGRES_CHUNK]
      : [sqliteInsert as RowFormat<unknown>, SQLITE_CHUNK];
    const locked: string[] = [];
    const days = new Set<string>();
    const clusters = new Set<string>();
    // Opened by the first call, once its source's lock in this process is
    // taken: a refused import never waits for a connection (SQLite has
    // one, which the running import holds).
    let trx: Knex.Transaction | undefined;
    let labelSets: LabelSetIds | undefined;
    const held = new Set<string>();
    let busy = false;
    const tx: CostImportTransaction = {
      replace: async request => {
        checkRequest(request);
        if (busy) {
          throw new Error(
            'The replace calls of one cost import transaction run one after another',
          );
        }
        busy = true;
        try {
          const { source } = request;
          if (!held.has(source)) {
            if (this.#running.has(source)) throw importRunning(source);
            this.#running.add(source);
            locked.push(source);
          }
          trx ??= await this.#db.transaction();
          if (!held.has(source)) {
            await this.#lock(trx, source);
            held.add(source);
          }
          labelSets ??= new LabelSetIds(trx, this.#labelSetIds);
          const replaced = await this.#replace(
            trx,
            labelSets,
            request,
            format,
            chunkSize,
          );
          for (const day of replaced.days) days.add(day);
          for (const cluster of replaced.clusters) clusters.add(cluster);
          return replaced;
        } finally {
          busy = false;
        }
      },
      finalDays: (source, from, to) =>
        finalDays(trx ?? this.#db, source, from, to),
    };
    try {
      let result: T;
      try {
        result = await store(tx);
        await trx?.commit();
      } catch (error) {
        await trx?.rollback().catch(() => undefined);
        throw error;
      }
      // Committed: the ids it learned are safe to reuse.
      if (this.#labelSetIds.size > MAX_REMEMBERED_LABEL_SETS) {
        this.#labelSetIds.clear();
      }
      for (const [canonical, id] of labelSets?.learned ?? []) {
        this.#labelSetIds.set(canonical, id);
      }
      return {
        result,
        days: [...days].sort(),
        clusters: [...clusters].sort(),
      };
    } finally {
      for (const source of locked) this.#running.delete(source);
    }
  }

  /**
   * Takes the database's import lock of a source for the rest of the
   * transaction: on PostgreSQL an advisory lock, which another replica's
   * import of the source cannot take until this transaction ends. (SQLite
   * has one connection, which the transaction holds.)
   */
  async #lock(trx: Knex.Transaction, source: string) {
    if (!isPostgres(this.#db)) return;
    const { rows } = await trx.raw(
      'SELECT pg_try_advisory_xact_lock(CAST(? AS bigint)) AS locked',
      [importLockKey(source)],
    );
    if (!rows[0]?.locked) throw importRunning(source);
  }

  async #replace<T>(
    trx: Knex.Transaction,
    labelSets: LabelSetIds,
    request: CostReplaceRequest,
    format: RowFormat<T>,
    chunkSize: number,
  ): Promise<ReplaceResult> {
    const { source } = request;
    const [created] = await trx('cost_imports')
      .insert({ source, created_at: new Date() })
      .returning('id');
    const importId = Number(typeof created === 'object' ? created.id : created);
    const checker = new RecordChecker(request);
    let rows: T[] = [];
    let labels: string[] = [];
    let stored = 0;
    const writer = await format.open(trx, importId);

    // Stores the chunk read so far. Looking up label sets no import has
    // stored yet needs the connection, so the writer pauses for it.
    const writeChunk = async () => {
      const chunk = rows;
      const chunkLabels = labels;
      rows = [];
      labels = [];
      if (labelSets.anyUnknown(chunkLabels)) await writer.pause();
      const ids = await labelSets.idsOf(chunkLabels);
      await writer.write(ids, chunk);
      stored += chunk.length;
    };

    try {
      let index = 0;
      for await (const record of request.records) {
        rows.push(format.encode(checker.recordValues(record, index)));
        labels.push(canonicalLabels(record.labels ?? {}));
        index++;
        if (rows.length >= chunkSize) await writeChunk();
        // Records from an array or generator never leave the microtask
        // queue; give the connection's socket a turn now and then.
        else if (index % 100 === 0) await setImmediatePromise();
      }
      if (rows.length > 0) await writeChunk();
      await writer.end();
    } catch (e) {
      // Stop a write under way before the transaction rolls back.
      await writer.abort(e as Error);
      throw e;
    }

    const days =
      request.from !== undefined
        ? daysBetween(request.from, request.to!)
        : [...checker.rowsPerDay.keys()].sort();
    // The imports whose rows these days held, and their clusters: their
    // pools change too.
    const superseded = new Set<number>();
    for (const slice of slices(days)) {
      const held = await trx('cost_source_days')
        .where({ source })
        .whereIn('day', slice)
        .distinct('import_id');
      for (const row of held) superseded.add(Number(row.import_id));
    }
    const clusters = new Set(checker.clusters);
    for (const slice of slices([...superseded])) {
      for (const row of await trx('cost_import_clusters')
        .whereIn('import_id', slice)
        .distinct('cluster')) {
        clusters.add(row.cluster);
      }
    }
    // knex writes a multi-row insert on SQLite as a compound SELECT, which
    // SQLite caps at 500 terms.
    for (const slice of slices([...checker.clusters], 400)) {
      await trx('cost_import_clusters').insert(
        slice.map(cluster => ({ import_id: importId, cluster })),
      );
    }
    // The rows the source stored for these days before; this call's rows
    // are not yet named in cost_source_days, so replaying a call leaves
    // the same rows.
    for (const slice of slices(days)) {
      await trx.raw(
        `DELETE FROM cost_rows WHERE (import_id, day) IN (
           SELECT import_id, day FROM cost_source_days
           WHERE source = ? AND day IN (${slice.map(() => '?').join(', ')})
         )`,
        [source, ...slice],
      );
    }
    const importedAt = new Date();
    const states = days.map(day => ({
      source,
      day,
      import_id: importId,
      final: request.final ?? false,
      imported_at: importedAt,
      description: request.description?.slice(0, 500) ?? null,
      rows: checker.rowsPerDay.get(day) ?? 0,
    }));
    for (const slice of slices(states, 400)) {
      await trx('cost_source_days')
        .insert(slice)
        .onConflict(['source', 'day'])
        .merge();
    }
    // Imports no day refers to any more, and any rows still left under
    // them: such rows count in no day, yet the entity reads, which go
    // through the label set index, would see them.
    const unused = (
      await trx('cost_imports')
        .where({ source })
        .whereNotIn(
          'id',
          trx('cost_source_days').where({ source }).select('import_id'),
        )
        .pluck('id')
    ).map(Number);
    for (const slice of slices(unused)) {
      await trx('cost_rows').whereIn('import_id', slice).delete();
      await trx('cost_import_clusters').whereIn('import_id', slice).delete();
      await trx('cost_imports').whereIn('id', slice).delete();
    }
    return { stored, days, clusters: [...clusters].sort() };
  }
}

/** The days in [from, to) the source has stored as final. */
export async function finalDays(
  db: Knex,
  source: string,
  from: string,
  to: string,
): Promise<Set<string>> {
  const rows = await db('cost_source_days')
    .where({ source, final: true })
    .where('day', '>=', from)
    .where('day', '<', to)
    .select('day');
  return new Set(rows.map(r => String(r.day)));
}

/** Each source's last import, last day with rows and row count. */
export async function sourceStatuses(db: Knex): Promise<CostSourceStatus[]> {
  const rows: Array<{
    source: string;
    last_import_at: Date | string | null;
    rows: number | string | null;
    last_day: string | null;
  }> = await db('cost_source_days')
    .select(
      'source',
      db.raw('MAX(imported_at) as last_import_at'),
      db.raw('SUM(rows) as rows'),
      db.raw('MAX(CASE WHEN rows > 0 THEN day END) as last_day'),
    )
    .groupBy('source')
    .orderBy('source');
  return rows.map(r => ({
    source: r.source,
    ...(r.last_day ? { lastDay: String(r.last_day) } : {}),
    ...(r.last_import_at
      ? { lastImportAt: new Date(r.last_import_at).toISOString() }
      : {}),
    rows: Number(r.rows ?? 0),
  }));
}
