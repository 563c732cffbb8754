import { createHash } from 'node:crypto';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import type { Knex } from 'knex';
import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  COST_CATEGORIES,
  type CostCategory,
  type CostSourceStatus,
} from '@paved/plugin-cost-common';
import {
  COST_REPLACE_MAX_DAYS,
  COST_SOURCE_ID_MAX_LENGTH,
  type CostReplaceRequest,
} from '@paved/plugin-cost-node';
import {
  CATEGORY_COLUMNS,
  RecordChecker,
  canonicalLabels,
  daysBetween,
  isDay,
  labelsHash,
} from './rows';
import { postgresCopy, sqliteInsert, type RowFormat } from './rowWriters';
import type {
  CostImportTransaction,
  CostStore,
  CostSums,
  CostWindow,
  DirectCostRow,
  DirectCostScope,
  DirectTotalRow,
  LabelSetAllocation,
  NodeBillRow,
  PoolRow,
  PoolRules,
  ReplaceResult,
  UnattributedGroup,
} from './CostStore';
import { addSums } from './costSums';

const migrationsDir = resolvePackagePath(
  '@paved/plugin-cost-backend',
  'migrations',
);

// Rows handed to the writer at a time. PostgreSQL stores a chunk while the
// next one is read and encoded; SQLite inserts it in this process.
const POSTGRES_CHUNK = 1_000;
const SQLITE_CHUNK = 2_000;
// Label-set ids remembered during one import; bounded so a file with a
// unique tag on every row cannot grow memory without limit.
const MAX_REMEMBERED_LABEL_SETS = 100_000;

// Values bound in one statement: well below SQLite's (32,766) and
// PostgreSQL's (65,535) limits on bind parameters, however many ids an
// import brings.
const IDS_PER_STATEMENT = 500;

/** `values` in slices of at most `size`, for IN lists and multi-row inserts. */
function slices<T>(values: T[], size = IDS_PER_STATEMENT): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < values.length; i += size) {
    result.push(values.slice(i, i + size));
  }
  return result;
}

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
    Date.parse(request.to!) - Date.parse(request.from) >
      COST_REPLACE_MAX_DAYS * 86_400_000
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

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000)
    .toISOString()
    .slice(0, 10);
}

/** Splits a window into windows of at most `days` days. */
function chunksOf(window: CostWindow, days: number): CostWindow[] {
  const chunks: CostWindow[] = [];
  for (let from = window.from; from < window.to; ) {
    const end = new Date(Date.parse(`${from}T00:00:00Z`) + days * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const to = end < window.to ? end : window.to;
    chunks.push({ from, to });
    from = to;
  }
  return chunks;
}

/** How many entity refs one read query names (bound parameters). */
const ENTITY_REFS_PER_QUERY = 500;

/**
 * Cost rows, label sets and their allocation to entities, on SQLite or
 * PostgreSQL.
 */
export class DatabaseCostStore implements CostStore {
  readonly #db: Knex;
  /** Label set ids of committed imports, so a daily import looks up none. */
  readonly #labelSetIds = new Map<string, number>();
  /** Sources an import of this process is storing (their import lock). */
  readonly #running = new Set<string>();

  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }) {
    const db = await options.database.getClient();
    if (!options.skipMigrations && !options.database.migrations?.skip) {
      await db.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseCostStore(db);
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  get #isPostgres() {
    return this.#db.client.config.client === 'pg';
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
    const [format, chunkSize] = this.#isPostgres
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
        this.#finalDays(trx ?? this.#db, source, from, to),
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
    if (!this.#isPostgres) return;
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

  async #finalDays(
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

  /** The days in [from, to) the source has stored as final. */
  async finalDays(source: string, from: string, to: string) {
    return this.#finalDays(this.#db, source, from, to);
  }

  async sources(): Promise<CostSourceStatus[]> {
    const rows: Array<{
      source: string;
      last_import_at: Date | string | null;
      rows: number | string | null;
      last_day: string | null;
    }> = await this.#db('cost_source_days')
      .select(
        'source',
        this.#db.raw('MAX(imported_at) as last_import_at'),
        this.#db.raw('SUM(rows) as rows'),
        this.#db.raw('MAX(CASE WHEN rows > 0 THEN day END) as last_day'),
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

  // --- allocation mapping -------------------------------------------------

  /** Label sets that have no allocation yet (all of them with `all`). */
  async labelSets(
    options: { onlyUnallocated?: boolean } = {},
  ): Promise<Array<{ id: number; labels: Record<string, string> }>> {
    const query = this.#db('cost_label_sets as l').select('l.id', 'l.labels');
    if (options.onlyUnallocated) {
      query
        .leftJoin('cost_allocations as a', 'a.label_set_id', 'l.id')
        .whereNull('a.label_set_id');
    }
    const rows = await query;
    return rows.map(r => ({
      id: Number(r.id),
      labels: JSON.parse(r.labels),
    }));
  }

  /**
   * Writes the allocation of label sets; only rows that changed are
   * written, so a refresh with nothing new is cheap.
   */
  async saveAllocations(
    allocations: LabelSetAllocation[],
  ): Promise<number> {
    if (allocations.length === 0) return 0;
    const current = new Map<number, string>();
    for (const r of await this.#db('cost_allocations').select()) {
      current.set(
        Number(r.label_set_id),
        `${r.entity_ref ?? ''}|${Boolean(r.shared)}|${r.node_cluster ?? ''}`,
      );
    }
    const changed = allocations
      .filter(
        a =>
          current.get(a.id) !==
          `${a.entityRef ?? ''}|${a.shared}|${a.nodeCluster ?? ''}`,
      )
      .map(a => ({
        label_set_id: a.id,
        entity_ref: a.entityRef,
        shared: a.shared,
        node_cluster: a.nodeCluster,
      }));
    await this.#db.transaction(async trx => {
      for (let i = 0; i < changed.length; i += 500) {
        await trx('cost_allocations')
          .insert(changed.slice(i, i + 500))
          .onConflict('label_set_id')
          .merge();
      }
    });
    return changed.length;
  }

  // --- reads --------------------------------------------------------------

  #sums(prefix = 'r') {
    const db = this.#db;
    const c = (column: string) => `${prefix}.${column}`;
    return [
      ...COST_CATEGORIES.map(cat =>
        db.raw(`SUM(${c(CATEGORY_COLUMNS[cat])}) as ??`, [cat]),
      ),
      db.raw(`SUM(${c('effective_cost')}) as total`),
      db.raw(
        `SUM(CASE WHEN ${c('kind')} = 'cloud' THEN ${c(
          'effective_cost',
        )} ELSE 0 END) as cloud`,
      ),
      db.raw(`SUM(${c('cpu_efficiency')} * ${c('cpu_core_hours')}) as cpu_w`),
      db.raw(
        `SUM(CASE WHEN ${c('cpu_efficiency')} IS NOT NULL THEN ${c(
          'cpu_core_hours',
        )} END) as cpu_h`,
      ),
      db.raw(`SUM(${c('ram_efficiency')} * ${c('ram_byte_hours')}) as ram_w`),
      db.raw(
        `SUM(CASE WHEN ${c('ram_efficiency')} IS NOT NULL THEN ${c(
          'ram_byte_hours',
        )} END) as ram_h`,
      ),
      db.raw(
        `SUM(${c('total_efficiency')} * ${c('effective_cost')}) as total_w`,
      ),
      db.raw(
        `SUM(CASE WHEN ${c('total_efficiency')} IS NOT NULL THEN ${c(
          'effective_cost',
        )} END) as total_c`,
      ),
    ];
  }

  /**
   * Rows of a window joined with their allocation: for the label sets a
   * subquery names through the (label_set_id, day) index, otherwise every
   * row of the window's days through cost_source_days and the
   * (import_id, day) index.
   */
  #rows(window: CostWindow, labelSetIds?: Knex.QueryBuilder) {
    const query = labelSetIds
      ? this.#db('cost_rows as r')
          .whereIn('r.label_set_id', labelSetIds)
          .where('r.day', '>=', window.from)
          .where('r.day', '<', window.to)
      : this.#db('cost_source_days as s')
          .join('cost_rows as r', join =>
            join
              .on('r.import_id', '=', 's.import_id')
              .andOn('r.day', '=', 's.day'),
          )
          .where('s.day', '>=', window.from)
          .where('s.day', '<', window.to);
    return query.join(
      'cost_allocations as a',
      'a.label_set_id',
      'r.label_set_id',
    );
  }

  /** Rows that are direct cost (not idle, not in a shared namespace or label set). */
  #whereDirect(query: Knex.QueryBuilder, rules: PoolRules) {
    query
      .whereNot('r.kind', 'idle')
      .where('a.shared', false)
      .whereNull('a.node_cluster');
    if (rules.sharedNamespaces.length > 0) {
      query.where(q =>
        q
          .whereNull('r.namespace')
          .orWhereNotIn('r.namespace', rules.sharedNamespaces),
      );
    }
    return query;
  }

  /**
   * Direct cost per (entity, day, cluster) — or, with `perEntity: false`,
   * per (day, cluster) summed over the scope — for some entities, all
   * attributed entities, or the unattributed rows (entityRef null).
   */
  async directCost(options: {
    scope: DirectCostScope;
    from: string;
    to: string;
    rules: PoolRules;
    perEntity?: boolean;
  }): Promise<DirectCostRow[]> {
    const { scope } = options;
    if (!('entityRefs' in scope)) return this.#directCost(options);
    // A team may have thousands of components: its refs go to the database
    // in chunks, far below SQLite's and PostgreSQL's limits on bound
    // parameters, and each chunk's label sets are found by a subquery, not
    // sent as a list. Chunks hold different entities, so their rows add up.
    const chunks: DirectCostRow[][] = [];
    for (let i = 0; i < scope.entityRefs.length; i += ENTITY_REFS_PER_QUERY) {
      chunks.push(
        await this.#directCost({
          ...options,
          scope: {
            entityRefs: scope.entityRefs.slice(i, i + ENTITY_REFS_PER_QUERY),
          },
        }),
      );
    }
    if (chunks.length <= 1 || options.perEntity !== false) {
      return chunks.flat();
    }
    const merged = new Map<string, DirectCostRow>();
    for (const row of chunks.flat()) {
      const key = `${row.day}|${row.cluster}`;
      const into = merged.get(key);
      if (!into) {
        merged.set(key, { ...row, byCategory: { ...row.byCategory } });
        continue;
      }
      into.entities += row.entities;
      addSums(into, row);
    }
    return [...merged.values()];
  }

  async #directCost(options: {
    scope: DirectCostScope;
    from: string;
    to: string;
    rules: PoolRules;
    perEntity?: boolean;
  }): Promise<DirectCostRow[]> {
    const { scope } = options;
    const perEntity = options.perEntity ?? true;
    let labelSetIds: Knex.QueryBuilder | undefined;
    if ('entityRefs' in scope) {
      if (scope.entityRefs.length === 0) return [];
      // The scope's label sets first, so the row query is a lookup on the
      // (label_set_id, day) index rather than a scan of the whole window.
      labelSetIds = this.#db('cost_allocations')
        .whereIn('entity_ref', scope.entityRefs)
        .select('label_set_id');
    }
    const query = this.#rows(options, labelSetIds)
      .select(
        'r.day',
        'r.cluster',
        this.#db.raw('COUNT(DISTINCT a.entity_ref) as entities'),
        ...this.#sums(),
      )
      .groupBy('r.day', 'r.cluster');
    if (perEntity) query.select('a.entity_ref').groupBy('a.entity_ref');
    if ('entityRefs' in scope) {
      query.whereNotNull('a.entity_ref');
    } else if ('attributed' in scope) {
      query.whereNotNull('a.entity_ref');
    } else {
      query.whereNull('a.entity_ref');
    }
    this.#whereDirect(query, options.rules);
    const rows = await query;
    return rows.map(r => ({
      entityRef: r.entity_ref ?? null,
      day: String(r.day),
      cluster: r.cluster ?? '',
      entities: Number(r.entities ?? 0),
      ...toSums(r),
    }));
  }

  /**
   * Per (day, cluster), in one pass over the window's rows: the idle and
   * shared pools that get distributed, and all entities' direct cost and how
   * many entities had any — the denominators of the weighted and even rules.
   * A query whose columns are those of cost_day_pools, in their order.
   */
  #dayPoolsQuery(window: CostWindow, rules: PoolRules, clusters?: string[]) {
    const { sharedNamespaces } = rules;
    const inSharedNamespace =
      sharedNamespaces.length > 0
        ? `(r.namespace IS NOT NULL AND r.namespace IN (${sharedNamespaces
            .map(() => '?')
            .join(', ')}))`
        : 'FALSE';
    // The opposite of #whereDirect; never NULL, so NOT works.
    const pool = `(r.kind = 'idle' OR a.shared = ? OR ${inSharedNamespace})`;
    const poolBindings = [true, ...sharedNamespaces];
    const attributedDirect = `(NOT ${pool} AND a.entity_ref IS NOT NULL)`;
    const cluster = this.#db.raw("COALESCE(r.cluster, '')");
    // Node rows are paid for by the cluster's other rows; they are neither
    // direct cost nor a pool.
    const query = this.#rows(window).whereNull('a.node_cluster');
    if (clusters) {
      // Only the imports with rows in these clusters, and only those rows.
      query
        .whereIn(
          's.import_id',
          this.#db('cost_import_clusters')
            .whereIn('cluster', clusters)
            .select('import_id'),
        )
        .whereRaw(
          `COALESCE(r.cluster, '') IN (${clusters.map(() => '?').join(', ')})`,
          clusters,
        );
    }
    return query
      .select(
        'r.day',
        this.#db.raw(`${cluster} as cluster`),
        this.#db.raw(
          `SUM(CASE WHEN r.kind = 'idle' THEN r.effective_cost ELSE 0 END) as idle`,
        ),
        this.#db.raw(
          `SUM(CASE WHEN r.kind <> 'idle' AND ${pool} THEN r.effective_cost ELSE 0 END) as shared`,
          poolBindings,
        ),
        this.#db.raw(
          `SUM(CASE WHEN r.kind = 'cloud' AND ${pool} THEN r.effective_cost ELSE 0 END) as cloud`,
          poolBindings,
        ),
        this.#db.raw(
          `SUM(CASE WHEN ${attributedDirect} THEN r.effective_cost ELSE 0 END) as direct_total`,
          poolBindings,
        ),
        this.#db.raw(
          `COUNT(DISTINCT CASE WHEN ${attributedDirect} THEN a.entity_ref END) as entities`,
          poolBindings,
        ),
        this.#db.raw(
          'SUM(r.cost_compute + r.cost_memory + r.cost_gpu + r.cost_idle) as node_cost',
        ),
      )
      .groupBy('r.day', cluster);
  }

  /**
   * Rewrites the stored pools and direct totals of the given days and
   * clusters ('' for rows without one); all days with rows and all
   * clusters when omitted. Computed and written by the database, at most
   * 31 days per statement.
   */
  async refreshDayPools(
    rules: PoolRules,
    only: { days?: string[]; clusters?: string[] } = {},
  ) {
    const { days, clusters } = only;
    if (clusters?.length === 0) return;
    let runs: CostWindow[];
    if (days) {
      const sorted = [...new Set(days)].sort();
      runs = [];
      for (const day of sorted) {
        const last = runs[runs.length - 1];
        if (last && last.to === day) last.to = nextDay(day);
        else runs.push({ from: day, to: nextDay(day) });
      }
    } else {
      const [range] = await this.#db('cost_source_days')
        .where('rows', '>', 0)
        .min({ first: 'day' })
        .max({ last: 'day' });
      if (!range?.first) {
        await this.#db('cost_day_pools').delete();
        return;
      }
      runs = [{ from: String(range.first), to: nextDay(String(range.last)) }];
    }
    const rewrite = async ({
      window: chunk,
      clusters: someClusters,
    }: {
      window: CostWindow;
      clusters?: string[];
    }) => {
      const { sql, bindings } = this.#dayPoolsQuery(
        chunk,
        rules,
        someClusters,
      ).toSQL();
      await this.#db.transaction(async trx => {
        const stale = trx('cost_day_pools')
          .where('day', '>=', chunk.from)
          .where('day', '<', chunk.to);
        if (someClusters) stale.whereIn('cluster', someClusters);
        await stale.delete();
        await trx.raw(
          `INSERT INTO cost_day_pools (day, cluster, idle, shared, cloud, direct_total, entities, node_cost) ${sql}`,
          bindings,
        );
      });
    };
    // Many clusters are rewritten a slice at a time, each bound twice.
    const clusterSlices: Array<string[] | undefined> = clusters
      ? slices([...new Set(clusters)])
      : [undefined];
    const chunks = runs
      .flatMap(run => chunksOf(run, 31))
      .flatMap(window => clusterSlices.map(c => ({ window, clusters: c })));
    // Two chunks at a time on PostgreSQL (a server process each); SQLite
    // has one connection.
    const parallel = this.#isPostgres ? 2 : 1;
    for (let i = 0; i < chunks.length; i += parallel) {
      await Promise.all(chunks.slice(i, i + parallel).map(rewrite));
    }
  }

  /** Stored pools and direct totals per (day, cluster) of a window. */
  async dayPools(window: CostWindow): Promise<Array<PoolRow & DirectTotalRow>> {
    const rows = await this.#db('cost_day_pools')
      .where('day', '>=', window.from)
      .where('day', '<', window.to)
      .select();
    return rows.map(r => ({
      day: String(r.day),
      cluster: r.cluster ?? '',
      idle: Number(r.idle),
      shared: Number(r.shared),
      cloud: Number(r.cloud),
      total: Number(r.direct_total),
      entities: Number(r.entities),
      nodeCost: Number(r.node_cost),
    }));
  }

  /** Whether rows are stored but their day pools are not (after an upgrade). */
  async dayPoolsMissing(): Promise<boolean> {
    const [pool] = await this.#db('cost_day_pools').select('day').limit(1);
    if (pool) return false;
    const [day] = await this.#db('cost_source_days')
      .where('rows', '>', 0)
      .select('day')
      .limit(1);
    return Boolean(day);
  }

  /** Per day and cluster, what the rows paying for its nodes billed. */
  async nodeBills(window: CostWindow): Promise<NodeBillRow[]> {
    const labelSetIds = this.#db('cost_allocations')
      .whereNotNull('node_cluster')
      .select('label_set_id');
    const rows = await this.#rows(window, labelSetIds)
      .select(
        'r.day',
        'a.node_cluster',
        this.#db.raw('SUM(r.effective_cost) as billed'),
      )
      .groupBy('r.day', 'a.node_cluster');
    return rows.map(r => ({
      day: String(r.day),
      cluster: String(r.node_cluster),
      billed: Number(r.billed ?? 0),
    }));
  }

  /** Unattributed cost grouped by what identifies it, largest first. */
  async unattributed(options: {
    from: string;
    to: string;
    rules: PoolRules;
    limit: number;
  }): Promise<UnattributedGroup[]> {
    const query = this.#rows(options)
      .join('cost_label_sets as l', 'l.id', 'r.label_set_id')
      .whereNull('a.entity_ref')
      .select(
        'l.labels',
        'r.cluster',
        'r.namespace',
        'r.resource_name',
        'r.service_name',
        this.#db.raw('SUM(r.effective_cost) as cost'),
      )
      .groupBy(
        'l.labels',
        'r.cluster',
        'r.namespace',
        'r.resource_name',
        'r.service_name',
      )
      .orderBy('cost', 'desc')
      .limit(options.limit);
    this.#whereDirect(query, options.rules);
    const rows = await query;
    return rows.map(r => ({
      labels: JSON.parse(r.labels),
      cluster: r.cluster ?? null,
      namespace: r.namespace ?? null,
      resourceName: r.resource_name ?? null,
      serviceName: r.service_name ?? null,
      cost: Number(r.cost ?? 0),
    }));
  }

  /**
   * Unattributed direct cost of a window per label set, largest first:
   * the label sets whose claims are worth checking for conflicts.
   */
  async unattributedLabelSets(options: {
    from: string;
    to: string;
    rules: PoolRules;
    limit: number;
  }): Promise<Array<{ labels: Record<string, string>; cost: number }>> {
    const query = this.#rows(options)
      .join('cost_label_sets as l', 'l.id', 'r.label_set_id')
      .whereNull('a.entity_ref')
      .select('l.id', 'l.labels', this.#db.raw('SUM(r.effective_cost) as cost'))
      .groupBy('l.id', 'l.labels')
      .orderBy('cost', 'desc')
      .limit(options.limit);
    this.#whereDirect(query, options.rules);
    const rows = await query;
    return rows.map(r => ({
      labels: JSON.parse(r.labels),
      cost: Number(r.cost ?? 0),
    }));
  }
}

function toSums(r: Record<string, unknown>): CostSums {
  const n = (v: unknown) => Number(v ?? 0);
  return {
    byCategory: Object.fromEntries(
      COST_CATEGORIES.map(c => [c, n(r[c])]),
    ) as Record<CostCategory, number>,
    total: n(r.total),
    cloud: n(r.cloud),
    cpuWeighted: n(r.cpu_w),
    cpuHours: n(r.cpu_h),
    ramWeighted: n(r.ram_w),
    ramHours: n(r.ram_h),
    totalWeighted: n(r.total_w),
    totalWeight: n(r.total_c),
  };
}
