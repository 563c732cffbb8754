import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  COST_CATEGORIES,
  type CostCategory,
  type CostRecord,
  type CostSourceStatus,
} from '@paved/plugin-cost-common';
import type { CostReplaceRequest } from '@paved/plugin-cost-node';

const migrationsDir = resolvePackagePath(
  '@paved/plugin-cost-backend',
  'migrations',
);

/** The column each cost category is stored in. */
export const CATEGORY_COLUMNS: Record<CostCategory, string> = {
  compute: 'cost_compute',
  memory: 'cost_memory',
  gpu: 'cost_gpu',
  storage: 'cost_storage',
  network: 'cost_network',
  loadBalancer: 'cost_load_balancer',
  cloudServices: 'cost_cloud_services',
  shared: 'cost_shared',
  idle: 'cost_idle',
};

const TEXT_COLUMNS = [
  'source',
  'import_id',
  'day',
  'kind',
  'labels_hash',
  'cluster',
  'namespace',
  'controller',
  'controller_kind',
  'resource_id',
  'resource_name',
  'service_name',
  'service_category',
  'region_id',
  'sub_account_id',
  'charge_category',
] as const;

const NUMBER_COLUMNS = [
  ...COST_CATEGORIES.map(c => CATEGORY_COLUMNS[c]),
  'effective_cost',
  'billed_cost',
  'list_cost',
  'cpu_efficiency',
  'ram_efficiency',
  'total_efficiency',
  'cpu_core_hours',
  'ram_byte_hours',
];

const ROW_COLUMNS = [...TEXT_COLUMNS, ...NUMBER_COLUMNS];

// Rows per insert statement: PostgreSQL gets one array per column, SQLite
// one JSON array of rows.
const POSTGRES_BATCH = 5_000;
const SQLITE_BATCH = 1_000;
// Label-set hashes remembered during one import; bounded so a file with a
// unique tag on every row cannot grow memory without limit.
const MAX_REMEMBERED_LABEL_SETS = 100_000;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const KINDS = new Set(['workload', 'idle', 'unallocated', 'cloud']);

/** Canonical form of a label set: its keys sorted. */
export function canonicalLabels(labels: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) {
    sorted[key] = String(labels[key]);
  }
  return JSON.stringify(sorted);
}

function hashOf(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex').slice(0, 40);
}

function isDay(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    DAY_PATTERN.test(value) &&
    !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
    new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
  );
}

function optionalNumber(
  value: unknown,
  field: string,
  index: number,
): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError(
      `Cost record ${index + 1}: ${field} is not a finite number`,
    );
  }
  return value;
}

function text(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

/** Every day in [from, to). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (
    let t = Date.parse(`${from}T00:00:00Z`);
    t < Date.parse(`${to}T00:00:00Z`);
    t += 86_400_000
  ) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** Sums of one group of rows, as the allocation needs them. */
export type CostSums = {
  byCategory: Record<CostCategory, number>;
  total: number;
  /** Effective cost of cloud (FOCUS) rows: the billed side of reconciliation. */
  cloud: number;
  cpuWeighted: number;
  cpuHours: number;
  ramWeighted: number;
  ramHours: number;
  totalWeighted: number;
  totalWeight: number;
};

export type DirectCostRow = CostSums & {
  /** Null for unattributed rows and for rows summed over the scope. */
  entityRef: string | null;
  day: string;
  cluster: string;
  /** How many entities the row sums. */
  entities: number;
};

export type PoolRow = {
  day: string;
  cluster: string;
  idle: number;
  shared: number;
  /** Effective cost of cloud rows in the pool. */
  cloud: number;
};

export type DirectTotalRow = {
  day: string;
  cluster: string;
  total: number;
  entities: number;
};

export type UnattributedGroup = {
  labels: Record<string, string>;
  cluster: string | null;
  namespace: string | null;
  resourceName: string | null;
  serviceName: string | null;
  cost: number;
};

export type CostWindow = { from: string; to: string };

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000)
    .toISOString()
    .slice(0, 10);
}

/** Splits a window at month starts, to keep each rewrite small. */
function monthChunks(window: CostWindow): CostWindow[] {
  const chunks: CostWindow[] = [];
  let from = window.from;
  while (from < window.to) {
    const d = new Date(`${from}T00:00:00Z`);
    const monthEnd = new Date(
      Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
    )
      .toISOString()
      .slice(0, 10);
    const to = monthEnd < window.to ? monthEnd : window.to;
    chunks.push({ from, to });
    from = to;
  }
  return chunks;
}

/** Which rows are idle or shared pools rather than direct cost. */
export type PoolRules = { sharedNamespaces: string[] };

type Scope =
  | { entityRefs: string[] }
  | { attributed: true }
  | { unattributed: true };

/**
 * Cost rows, label sets and their allocation to entities, on SQLite or
 * PostgreSQL.
 */
export class DatabaseCostStore {
  readonly #db: Knex;

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
   * days, in one transaction. Records are consumed in batches, so memory
   * stays bounded however many there are. Any error rolls everything back
   * and propagates unchanged.
   */
  async replace(
    request: CostReplaceRequest,
  ): Promise<{ stored: number; days: string[] }> {
    const { source } = request;
    if (!source) throw new InputError('A cost source needs an id');
    if ((request.from === undefined) !== (request.to === undefined)) {
      throw new InputError('Give both from and to, or neither');
    }
    if (request.from !== undefined && !isDay(request.from)) {
      throw new InputError(`from is not a YYYY-MM-DD day: ${request.from}`);
    }
    if (request.to !== undefined && !isDay(request.to)) {
      throw new InputError(`to is not a YYYY-MM-DD day: ${request.to}`);
    }
    const importId = randomUUID();
    const batchSize = this.#isPostgres ? POSTGRES_BATCH : SQLITE_BATCH;

    return this.#db.transaction(async trx => {
      const rowsPerDay = new Map<string, number>();
      const knownLabelSets = new Set<string>();
      const hashes = new Map<string, string>();
      let batch: unknown[][] = [];
      let newLabelSets: Array<{ labels_hash: string; labels: string }> = [];
      let stored = 0;

      const flush = async () => {
        if (newLabelSets.length > 0) {
          // knex writes a multi-row insert on SQLite as a compound SELECT,
          // which SQLite caps at 500 terms.
          for (let i = 0; i < newLabelSets.length; i += 400) {
            await trx('cost_label_sets')
              .insert(newLabelSets.slice(i, i + 400))
              .onConflict('labels_hash')
              .ignore();
          }
          newLabelSets = [];
        }
        if (batch.length > 0) {
          await this.#insertRows(trx, batch);
          stored += batch.length;
          batch = [];
        }
      };

      let index = 0;
      for await (const record of request.records) {
        const canonical = canonicalLabels(record.labels ?? {});
        let labelsHash = hashes.get(canonical);
        if (!labelsHash) {
          if (hashes.size >= MAX_REMEMBERED_LABEL_SETS) {
            hashes.clear();
            knownLabelSets.clear();
          }
          labelsHash = hashOf(canonical);
          hashes.set(canonical, labelsHash);
        }
        if (!knownLabelSets.has(labelsHash)) {
          knownLabelSets.add(labelsHash);
          newLabelSets.push({ labels_hash: labelsHash, labels: canonical });
        }
        const row = this.#toRow(record, index, source, importId, labelsHash);
        if (
          request.from !== undefined &&
          (record.day < request.from || record.day >= request.to!)
        ) {
          throw new InputError(
            `Cost record ${index + 1}: day ${
              record.day
            } is outside the replaced period [${request.from}, ${request.to})`,
          );
        }
        rowsPerDay.set(record.day, (rowsPerDay.get(record.day) ?? 0) + 1);
        batch.push(row);
        index++;
        if (batch.length >= batchSize) await flush();
      }
      await flush();

      const days =
        request.from !== undefined
          ? daysBetween(request.from, request.to!)
          : [...rowsPerDay.keys()].sort();
      // The source's previous rows for the replaced days go; rows of this
      // call stay, so replaying a call leaves the same rows.
      for (let i = 0; i < days.length; i += 500) {
        await trx('cost_rows')
          .where({ source })
          .whereIn('day', days.slice(i, i + 500))
          .whereNot('import_id', importId)
          .delete();
      }
      const importedAt = new Date();
      const states = days.map(day => ({
        source,
        day,
        final: request.final ?? false,
        imported_at: importedAt,
        description: request.description?.slice(0, 500) ?? null,
        rows: rowsPerDay.get(day) ?? 0,
      }));
      for (let i = 0; i < states.length; i += 500) {
        await trx('cost_source_days')
          .insert(states.slice(i, i + 500))
          .onConflict(['source', 'day'])
          .merge();
      }
      return { stored, days };
    });
  }

  #toRow(
    record: CostRecord,
    index: number,
    source: string,
    importId: string,
    labelsHash: string,
  ): unknown[] {
    if (!isDay(record.day)) {
      throw new InputError(
        `Cost record ${index + 1}: day is not a YYYY-MM-DD day: ${record.day}`,
      );
    }
    if (!KINDS.has(record.kind)) {
      throw new InputError(
        `Cost record ${index + 1}: unknown kind ${record.kind}`,
      );
    }
    const costs = COST_CATEGORIES.map(
      c => optionalNumber(record.costs?.[c], `costs.${c}`, index) ?? 0,
    );
    const effective = optionalNumber(
      record.effectiveCost,
      'effectiveCost',
      index,
    );
    if (effective === null) {
      throw new InputError(
        `Cost record ${index + 1}: effectiveCost is missing`,
      );
    }
    return [
      source,
      importId,
      record.day,
      record.kind,
      labelsHash,
      text(record.cluster),
      text(record.namespace),
      text(record.controller),
      text(record.controllerKind),
      text(record.resourceId),
      text(record.resourceName),
      text(record.serviceName),
      text(record.serviceCategory),
      text(record.regionId),
      text(record.subAccountId),
      text(record.chargeCategory),
      ...costs,
      effective,
      optionalNumber(record.billedCost, 'billedCost', index),
      optionalNumber(record.listCost, 'listCost', index),
      optionalNumber(record.cpuEfficiency, 'cpuEfficiency', index),
      optionalNumber(record.ramEfficiency, 'ramEfficiency', index),
      optionalNumber(record.totalEfficiency, 'totalEfficiency', index),
      optionalNumber(record.cpuCoreHours, 'cpuCoreHours', index),
      optionalNumber(record.ramByteHours, 'ramByteHours', index),
    ];
  }

  async #insertRows(trx: Knex.Transaction, rows: unknown[][]) {
    const columns = ROW_COLUMNS.join(', ');
    if (this.#isPostgres) {
      // One array per column through unnest: a few parameters instead of
      // one per value, several times faster than a multi-row VALUES list.
      const arrays = ROW_COLUMNS.map((_, c) =>
        pgArrayLiteral(
          rows.map(r => r[c]),
          c < TEXT_COLUMNS.length,
        ),
      );
      const types = ROW_COLUMNS.map((_, c) =>
        c < TEXT_COLUMNS.length ? '?::text[]' : '?::float8[]',
      );
      await trx.raw(
        `INSERT INTO cost_rows (${columns}) SELECT * FROM unnest(${types.join(
          ', ',
        )})`,
        arrays,
      );
      return;
    }
    // One JSON parameter per batch, for the same reason: a statement with
    // tens of thousands of placeholders holds native memory the garbage
    // collector does not see until long after, so a large import on SQLite
    // grew to gigabytes.
    await trx.raw(
      `INSERT INTO cost_rows (${columns}) SELECT ${ROW_COLUMNS.map(
        (_, c) => `json_extract(value, '$[${c}]')`,
      ).join(', ')} FROM json_each(?)`,
      [JSON.stringify(rows)],
    );
  }

  /** The days in [from, to) the source has stored as final. */
  async finalDays(source: string, from: string, to: string) {
    const rows = await this.#db('cost_source_days')
      .where({ source, final: true })
      .where('day', '>=', from)
      .where('day', '<', to)
      .select('day');
    return new Set(rows.map(r => String(r.day)));
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
  ): Promise<Array<{ hash: string; labels: Record<string, string> }>> {
    const query = this.#db('cost_label_sets as l').select(
      'l.labels_hash',
      'l.labels',
    );
    if (options.onlyUnallocated) {
      query
        .leftJoin('cost_allocations as a', 'a.labels_hash', 'l.labels_hash')
        .whereNull('a.labels_hash');
    }
    const rows = await query;
    return rows.map(r => ({
      hash: r.labels_hash,
      labels: JSON.parse(r.labels),
    }));
  }

  /**
   * Writes the allocation of label sets; only rows that changed are
   * written, so a refresh with nothing new is cheap.
   */
  async saveAllocations(
    allocations: Array<{
      hash: string;
      entityRef: string | null;
      shared: boolean;
    }>,
  ): Promise<number> {
    if (allocations.length === 0) return 0;
    const current = new Map<string, string>();
    for (const r of await this.#db('cost_allocations').select()) {
      current.set(r.labels_hash, `${r.entity_ref ?? ''}|${Boolean(r.shared)}`);
    }
    const changed = allocations
      .filter(a => current.get(a.hash) !== `${a.entityRef ?? ''}|${a.shared}`)
      .map(a => ({
        labels_hash: a.hash,
        entity_ref: a.entityRef,
        shared: a.shared,
      }));
    await this.#db.transaction(async trx => {
      for (let i = 0; i < changed.length; i += 500) {
        await trx('cost_allocations')
          .insert(changed.slice(i, i + 500))
          .onConflict('labels_hash')
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

  /** Rows that are direct cost (not idle, not in a shared namespace or label set). */
  #whereDirect(query: Knex.QueryBuilder, rules: PoolRules) {
    query.whereNot('r.kind', 'idle').where('a.shared', false);
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
    scope: Scope;
    from: string;
    to: string;
    rules: PoolRules;
    perEntity?: boolean;
  }): Promise<DirectCostRow[]> {
    const { scope } = options;
    const perEntity = options.perEntity ?? true;
    const query = this.#db('cost_rows as r')
      .join('cost_allocations as a', 'a.labels_hash', 'r.labels_hash')
      .where('r.day', '>=', options.from)
      .where('r.day', '<', options.to)
      .select(
        'r.day',
        'r.cluster',
        this.#db.raw('COUNT(DISTINCT a.entity_ref) as entities'),
        ...this.#sums(),
      )
      .groupBy('r.day', 'r.cluster');
    if (perEntity) query.select('a.entity_ref').groupBy('a.entity_ref');
    if ('entityRefs' in scope) {
      if (scope.entityRefs.length === 0) return [];
      // The scope's label sets first, so the row query is a lookup on the
      // (labels_hash, day) index rather than a scan of the whole window.
      const hashes = await this.#db('cost_allocations')
        .whereIn('entity_ref', scope.entityRefs)
        .pluck('labels_hash');
      if (hashes.length === 0) return [];
      query
        .whereIn('a.entity_ref', scope.entityRefs)
        .whereIn('r.labels_hash', hashes);
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

  /** Idle and shared cost per (day, cluster): what gets distributed. */
  async #computePools(options: {
    from: string;
    to: string;
    rules: PoolRules;
  }): Promise<PoolRow[]> {
    const { sharedNamespaces } = options.rules;
    const rows = await this.#db('cost_rows as r')
      .join('cost_allocations as a', 'a.labels_hash', 'r.labels_hash')
      .where('r.day', '>=', options.from)
      .where('r.day', '<', options.to)
      .where(q => {
        q.where('r.kind', 'idle').orWhere('a.shared', true);
        if (sharedNamespaces.length > 0) {
          q.orWhereIn('r.namespace', sharedNamespaces);
        }
      })
      .select(
        'r.day',
        'r.cluster',
        this.#db.raw(
          `SUM(CASE WHEN r.kind = 'idle' THEN r.effective_cost ELSE 0 END) as idle`,
        ),
        this.#db.raw(
          `SUM(CASE WHEN r.kind = 'idle' THEN 0 ELSE r.effective_cost END) as shared`,
        ),
        this.#db.raw(
          `SUM(CASE WHEN r.kind = 'cloud' THEN r.effective_cost ELSE 0 END) as cloud`,
        ),
      )
      .groupBy('r.day', 'r.cluster');
    return rows.map(r => ({
      day: String(r.day),
      cluster: r.cluster ?? '',
      idle: Number(r.idle ?? 0),
      shared: Number(r.shared ?? 0),
      cloud: Number(r.cloud ?? 0),
    }));
  }

  /**
   * All entities' direct cost and how many entities had any, per (day,
   * cluster): the denominators of the weighted and even rules.
   */
  async #computeTotals(options: {
    from: string;
    to: string;
    rules: PoolRules;
  }): Promise<DirectTotalRow[]> {
    const query = this.#db('cost_rows as r')
      .join('cost_allocations as a', 'a.labels_hash', 'r.labels_hash')
      .where('r.day', '>=', options.from)
      .where('r.day', '<', options.to)
      .whereNotNull('a.entity_ref')
      .select(
        'r.day',
        'r.cluster',
        this.#db.raw('SUM(r.effective_cost) as total'),
        this.#db.raw('COUNT(DISTINCT a.entity_ref) as entities'),
      )
      .groupBy('r.day', 'r.cluster');
    this.#whereDirect(query, options.rules);
    const rows = await query;
    return rows.map(r => ({
      day: String(r.day),
      cluster: r.cluster ?? '',
      total: Number(r.total ?? 0),
      entities: Number(r.entities ?? 0),
    }));
  }

  /**
   * Rewrites the stored pools and direct totals of the given days (all days
   * with rows when omitted), a month at a time.
   */
  async refreshDayPools(rules: PoolRules, days?: string[]) {
    let chunks: CostWindow[];
    if (days) {
      const sorted = [...new Set(days)].sort();
      chunks = [];
      for (const day of sorted) {
        const last = chunks[chunks.length - 1];
        if (last && last.to === day) last.to = nextDay(day);
        else chunks.push({ from: day, to: nextDay(day) });
      }
    } else {
      const [range] = await this.#db('cost_rows')
        .min({ first: 'day' })
        .max({ last: 'day' });
      if (!range?.first) {
        await this.#db('cost_day_pools').delete();
        return;
      }
      chunks = [{ from: String(range.first), to: nextDay(String(range.last)) }];
    }
    for (const chunk of chunks.flatMap(c => monthChunks(c))) {
      const pools = await this.#computePools({ ...chunk, rules });
      const totals = await this.#computeTotals({ ...chunk, rules });
      const merged = new Map<string, Record<string, unknown>>();
      const entry = (day: string, cluster: string) => {
        const key = `${day}|${cluster}`;
        let row = merged.get(key);
        if (!row) {
          row = {
            day,
            cluster,
            idle: 0,
            shared: 0,
            cloud: 0,
            direct_total: 0,
            entities: 0,
          };
          merged.set(key, row);
        }
        return row;
      };
      for (const p of pools) {
        Object.assign(entry(p.day, p.cluster), {
          idle: p.idle,
          shared: p.shared,
          cloud: p.cloud,
        });
      }
      for (const t of totals) {
        Object.assign(entry(t.day, t.cluster), {
          direct_total: t.total,
          entities: t.entities,
        });
      }
      const rows = [...merged.values()];
      await this.#db.transaction(async trx => {
        await trx('cost_day_pools')
          .where('day', '>=', chunk.from)
          .where('day', '<', chunk.to)
          .delete();
        for (let i = 0; i < rows.length; i += 500) {
          await trx('cost_day_pools').insert(rows.slice(i, i + 500));
        }
      });
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
    }));
  }

  /** Unattributed cost grouped by what identifies it, largest first. */
  async unattributed(options: {
    from: string;
    to: string;
    rules: PoolRules;
    limit: number;
  }): Promise<UnattributedGroup[]> {
    const query = this.#db('cost_rows as r')
      .join('cost_allocations as a', 'a.labels_hash', 'r.labels_hash')
      .join('cost_label_sets as l', 'l.labels_hash', 'r.labels_hash')
      .where('r.day', '>=', options.from)
      .where('r.day', '<', options.to)
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

/** A PostgreSQL array literal of text or float8 values (null as NULL). */
function pgArrayLiteral(values: unknown[], isText: boolean): string {
  const items = values.map(v => {
    if (v === null || v === undefined) return 'NULL';
    if (!isText) return String(v);
    return `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}
