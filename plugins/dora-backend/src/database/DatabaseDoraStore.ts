import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { withDatabaseErrors } from '@paved/database-errors';
import { whereScopeMember } from '@paved/catalog-scopes';
import {
  changeLabels,
  type DoraDeploymentFilter,
  type DoraDeploymentRow,
  type DoraEvent,
} from '@paved/plugin-dora-common';
import type { DeploymentSummary } from '../metrics/computeMetrics';
import { DayTotals, type DayTotal } from '../metrics/dayTotals';
import {
  leadTimesOf,
  type DeploymentVerdict,
  type ScopeFacts,
  type StoredChange,
  type StoredDeployment,
  type StoredIncident,
} from '../metrics/facts';
import type {
  AnalysedDeploymentKey,
  DoraStore,
  ResolvedDoraEvent,
} from './DoraStore';

const migrationsDir = resolvePackagePath(
  '@paved/plugin-dora-backend',
  'migrations',
);

/** The drill-down's order: newest first, ties by event id and source. */
const newestFirst = [
  { column: 'finished_at', order: 'desc' },
  { column: 'event_id', order: 'desc' },
  { column: 'source', order: 'desc' },
] as const;

const tableByType = {
  deployment: 'dora_deployments',
  change: 'dora_changes',
  incident: 'dora_incidents',
} as const;

function toRow(source: string, event: DoraEvent, entityRef: string | null) {
  const base = {
    source,
    event_id: event.id,
    service: event.service,
    entity_ref: entityRef,
  };
  switch (event.type) {
    case 'deployment':
      return {
        ...base,
        environment: event.environment,
        status: event.status,
        started_at: new Date(event.startedAt),
        finished_at: new Date(event.finishedAt),
        commit_sha: event.commitSha,
        commits: JSON.stringify(event.commits ?? []),
        rollback: event.rollback ?? false,
        unplanned: event.unplanned ?? false,
        observed_at: event.observedAt ? new Date(event.observedAt) : null,
      };
    case 'change':
      return {
        ...base,
        sha: event.sha,
        authored_at: new Date(event.authoredAt),
        pr_number: event.prNumber ?? null,
        labels: JSON.stringify(changeLabels(event)),
      };
    case 'incident':
      return {
        ...base,
        environment: event.environment,
        opened_at: new Date(event.openedAt),
        resolved_at: event.resolvedAt ? new Date(event.resolvedAt) : null,
        caused_by_deployment_id: event.causedByDeploymentId ?? null,
        caused_by_sha: event.causedBySha ?? null,
        resolved_by_deployment_id: event.resolvedByDeploymentId ?? null,
      };
    default:
      throw new Error('unreachable');
  }
}

/** The content of an event, independent of key order and of defaults. */
function contentHash(event: DoraEvent): string {
  const { source: _source, ...content } = event as DoraEvent & {
    source?: string;
  };
  const canonical = JSON.stringify(
    Object.keys(content)
      .sort()
      .map(k => [k, (content as Record<string, unknown>)[k]]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}

type Timestamp = Date | string | number;

type DeploymentRow = {
  source: string;
  event_id: string;
  service: string;
  entity_ref: string | null;
  environment: string;
  status: 'success' | 'failure';
  started_at: Timestamp;
  finished_at: Timestamp;
  commit_sha: string;
  commits: string;
  rollback: boolean | number;
  unplanned: boolean | number;
};

type ChangeRow = {
  source: string;
  event_id: string;
  service: string;
  entity_ref: string | null;
  sha: string;
  authored_at: Timestamp;
  pr_number: number | null;
  labels: string;
};

type IncidentRow = {
  source: string;
  event_id: string;
  service: string;
  entity_ref: string | null;
  environment: string;
  opened_at: Timestamp;
  resolved_at: Timestamp | null;
  caused_by_deployment_id: string | null;
  caused_by_sha: string | null;
  resolved_by_deployment_id: string | null;
};

/** Marks the facts of these entities as changed (every replica re-reads them). */
async function bumpVersions(tx: Knex.Transaction, entityRefs: string[]) {
  for (const refs of chunk([...entityRefs].sort(), 200)) {
    await tx('dora_entity_versions')
      .insert(refs.map(entity_ref => ({ entity_ref, version: 1 })))
      .onConflict('entity_ref')
      .merge({ version: tx.raw('?? + 1', ['dora_entity_versions.version']) });
  }
}

/** An analysed deployment's key within its entity. */
function analysedKey(row: {
  environment: string;
  source: string;
  event_id: string;
}) {
  return JSON.stringify([row.environment, row.source, row.event_id]);
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}

/** What the metrics read of an analysed deployment. */
const VERDICT_COLUMNS = [
  'finished_at',
  'rollback',
  'failed',
  'recovery_seconds',
  'rework',
  'lead_times',
];

const toDate = (value: Timestamp) =>
  value instanceof Date ? value : new Date(value);

const DAY_MS = 86_400_000;

const isPostgres = (db: Knex) => db.client.config.client === 'pg';

/** A JSON value as the driver returns it: parsed already, or text. */
const parseJson = <T>(value: unknown): T =>
  (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** A day total as stored: one row of changes, or a compacted day. */
type DayTotalRecord = {
  environment: string;
  day: Timestamp;
  deployments: number | string;
  non_rollback: number | string;
  failed_non_rollback: number | string;
  rework: number | string;
  lead_time_buckets: string;
  recovery_buckets: string;
};

const bucketsOf = (json: string) =>
  new Map(
    Object.entries(JSON.parse(json) as Record<string, number>).map(
      ([bucket, count]) => [Number(bucket), Number(count)],
    ),
  );

const bucketsJson = (buckets: Map<number, number>) =>
  JSON.stringify(Object.fromEntries(buckets));

function fromDayTotalRecord(record: DayTotalRecord): DayTotal {
  return {
    environment: record.environment,
    day: toDate(record.day).getTime(),
    deployments: Number(record.deployments),
    nonRollback: Number(record.non_rollback),
    failedNonRollback: Number(record.failed_non_rollback),
    rework: Number(record.rework),
    leadTimes: bucketsOf(record.lead_time_buckets),
    recovery: bucketsOf(record.recovery_buckets),
  };
}

function toDayTotalRecord(total: DayTotal): DayTotalRecord {
  return {
    environment: total.environment,
    day: new Date(total.day),
    deployments: total.deployments,
    non_rollback: total.nonRollback,
    failed_non_rollback: total.failedNonRollback,
    rework: total.rework,
    lead_time_buckets: bucketsJson(total.leadTimes),
    recovery_buckets: bucketsJson(total.recovery),
  };
}

/** The verdict of an analysed deployment as stored. */
function storedVerdict(row: {
  entity_ref?: string | null;
  finished_at: Timestamp;
  rollback: unknown;
  failed: unknown;
  recovery_seconds: number | string | null;
  rework: unknown;
  lead_times: string;
}): DeploymentVerdict {
  return {
    entityRef: row.entity_ref ?? null,
    finishedAt: toDate(row.finished_at).getTime(),
    rollback: Boolean(row.rollback),
    failed: Boolean(row.failed),
    recoverySeconds:
      row.recovery_seconds === null ? null : Number(row.recovery_seconds),
    rework: Boolean(row.rework),
    leadTimes: JSON.parse(row.lead_times),
  };
}

/** Days whose totals one transaction compacts. */
const COMPACT_DAYS = 100;
/**
 * Scopes are summed from the day totals once this many entities have
 * analyses and the scope holds more than half of them (what it lacks is
 * summed from its deployments and taken away); smaller ones, from their
 * deployments, with exact percentiles.
 */
const DAY_TOTALS_MIN_ENTITIES = 100;

/**
 * Limits an update to a stored deployment not observed later than `event`
 * (by `observedAt`), so a replayed older state changes nothing.
 */
function newerDeploymentState(query: Knex.QueryBuilder, event: DoraEvent) {
  if (event.type !== 'deployment' || !event.observedAt) return query;
  const observedAt = new Date(event.observedAt);
  return query.where(q =>
    q.whereNull('observed_at').orWhere('observed_at', '<=', observedAt),
  );
}

/**
 * A deployment event that does not list its commits (e.g. a webhook that
 * cannot know them) keeps those recorded by an earlier event.
 */
function keepRecordedCommits<R extends object>(row: R, event: DoraEvent) {
  if (event.type !== 'deployment' || event.commits !== undefined) return row;
  const { commits: _recorded, ...rest } = row as R & { commits?: string };
  return rest;
}

/** A stored row's content hash and attribution. */
type StoredState = { hash: string; entityRef: string | null };

async function storedStates(
  tx: Knex.Transaction,
  table: string,
  source: string,
  ids: string[],
) {
  const stored = new Map<string, StoredState>();
  for (const batch of chunk(ids, 500)) {
    const rows = await tx(table)
      .where({ source })
      .whereIn('event_id', batch)
      .select('event_id', 'content_hash', 'entity_ref');
    for (const row of rows) {
      stored.set(row.event_id, {
        hash: row.content_hash,
        entityRef: row.entity_ref,
      });
    }
  }
  return stored;
}

/**
 * Stores one source's events of one type: new ones inserted, changed ones
 * updated, the rest counted unchanged. The entities whose facts changed
 * are added to `touched`.
 */
async function storeEvents(
  tx: Knex.Transaction,
  table: string,
  source: string,
  events: ResolvedDoraEvent[],
  touched: Set<string>,
) {
  // The last occurrence of an id in a batch wins, as if sent in order.
  const latest = new Map<string, ResolvedDoraEvent>();
  for (const item of events) latest.set(item.event.id, item);
  let accepted = 0;
  let unchanged = events.length - latest.size;
  const ids = [...latest.keys()].sort();

  // Every event is inserted first, in id order: a new one is stored, one
  // stored before (or by a concurrent batch) is skipped here, then
  // compared below. A batch of new events, what CI sends, is one
  // statement per type and no read.
  const existing: string[] = [];
  // SQLite allows 32,766 bound parameters a statement, PostgreSQL 65,535;
  // 500 rows of at most 14 columns stay well under both.
  for (const batch of chunk(ids, 500)) {
    const inserted: Array<{ event_id: string }> = await tx(table)
      .insert(
        batch.map(id => {
          const { event, entityRef } = latest.get(id)!;
          return {
            ...toRow(source, event, entityRef ?? null),
            content_hash: contentHash(event),
          };
        }),
      )
      .onConflict(['source', 'event_id'])
      .ignore()
      .returning('event_id');
    const insertedIds = new Set(inserted.map(row => row.event_id));
    for (const id of batch) {
      if (!insertedIds.has(id)) {
        existing.push(id);
        continue;
      }
      accepted++;
      const entityRef = latest.get(id)!.entityRef;
      if (entityRef) touched.add(entityRef);
    }
  }
  const stored = await storedStates(tx, table, source, existing);

  // Then stored events, in id order: updated only when their content
  // changed (and, for a deployment, its state is not older).
  for (const id of existing) {
    const previous = stored.get(id);
    if (!previous) continue;
    const { event, entityRef } = latest.get(id)!;
    const hash = contentHash(event);
    if (previous.hash === hash) {
      unchanged++;
      continue;
    }
    // An event the catalog could not be asked about keeps its attribution.
    const attributedTo =
      entityRef === undefined ? previous.entityRef : entityRef;
    const row = { ...toRow(source, event, attributedTo), content_hash: hash };
    // Not already this content: a concurrent batch that stored the same
    // change first leaves nothing to count.
    const updated = await newerDeploymentState(
      tx(table).where({ source, event_id: id }).whereNot('content_hash', hash),
      event,
    ).update(keepRecordedCommits(row, event));
    if (updated === 0) {
      unchanged++;
      continue;
    }
    accepted++;
    if (attributedTo) touched.add(attributedTo);
    if (previous.entityRef) touched.add(previous.entityRef);
  }
  return { accepted, unchanged };
}

/** The tables whose planner statistics the store keeps fresh. */
const ANALYZED_TABLES = [
  'dora_deployments',
  'dora_changes',
  'dora_incidents',
  'dora_entity_versions',
  'dora_analysed_deployments',
  'dora_analysis_versions',
  'dora_day_totals',
];
/** Rows written before the first refresh of statistics; doubling after. */
const FIRST_ANALYZE_ROWS = 5_000;
const MAX_ANALYZE_ROWS = 200_000;
/** Day-total rows compaction deletes before the store vacuums them. */
const VACUUM_AFTER_COMPACTED_ROWS = 20_000;

/** DORA facts in the plugin's own database (SQLite or PostgreSQL). */
export class DatabaseDoraStore implements DoraStore {
  readonly #db: Knex;
  /** Rows this process wrote since it last refreshed statistics. */
  #written = 0;
  #analyzeAfter = FIRST_ANALYZE_ROWS;
  #analyzing = false;
  /** Day-total rows this process compacted away since it last vacuumed. */
  #compacted = 0;
  #vacuuming = false;

  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseDoraStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    // A lost connection answers 503; other database errors log bounded.
    return withDatabaseErrors(new DatabaseDoraStore(client));
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  /**
   * Refreshes PostgreSQL's planner statistics of the DORA tables after
   * every so many written rows (5,000, then twice as many each time, up to
   * 200,000), in the background. Autovacuum does the same where it is on;
   * where it is off, or has not caught up with a first large ingest, a
   * table without statistics is planned as if empty, and ingest and reads
   * slow down by an order of magnitude.
   */
  #noteWrites(rows: number) {
    if (this.#db.client.config.client !== 'pg' || rows === 0) return;
    this.#written += rows;
    if (this.#analyzing || this.#written < this.#analyzeAfter) return;
    this.#analyzing = true;
    this.#written = 0;
    this.#analyzeAfter = Math.min(this.#analyzeAfter * 2, MAX_ANALYZE_ROWS);
    this.#db
      .raw(`ANALYZE ${ANALYZED_TABLES.map(() => '??').join(', ')}`, [
        ...ANALYZED_TABLES,
      ])
      // Statistics only speed things up: a failed refresh waits for the
      // next threshold, and nothing waits for it.
      .catch(() => undefined)
      .finally(() => {
        this.#analyzing = false;
      });
  }

  /**
   * Vacuums the day totals, in the background, after compaction deleted
   * so many of their rows. Every compaction deletes a day's rows and
   * inserts their sum, so the dead rows grow with every analysis; where
   * autovacuum is off, or falls behind (a whole year's ingest left 425,900
   * dead rows for 143 live ones with it on), every compaction's grouping
   * and every read of the totals scans them all, and ingest slows as the
   * year goes on.
   */
  #noteCompacted(rows: number) {
    if (rows === 0) return;
    this.#compacted += rows;
    if (this.#vacuuming || this.#compacted < VACUUM_AFTER_COMPACTED_ROWS) {
      return;
    }
    this.#vacuuming = true;
    this.#compacted = 0;
    this.#db
      .raw('VACUUM ??', ['dora_day_totals'])
      // Like the statistics, only a speed-up: a failed vacuum waits for
      // the next threshold, and nothing waits for it.
      .catch(() => undefined)
      .finally(() => {
        this.#vacuuming = false;
      });
  }

  async ingest(source: string, events: ResolvedDoraEvent[]) {
    return this.ingestSources([{ source, events }]);
  }

  /**
   * Several replicas may store the same events at once (a client re-sends
   * a batch to another replica, two senders share events). So rows are
   * inserted with `ON CONFLICT DO NOTHING`, and one a concurrent batch
   * stored first is compared and updated like any stored row: a re-sent
   * event is "unchanged", never a unique-key error. Every batch takes its
   * row locks in one order (source, type, event id; then the entities'
   * versions), so concurrent batches wait for each other on PostgreSQL
   * instead of deadlocking.
   */
  async ingestSources(
    batches: Array<{ source: string; events: ResolvedDoraEvent[] }>,
  ) {
    let accepted = 0;
    let unchanged = 0;
    const touched = new Set<string>();
    const bySource = [...batches].sort((a, b) =>
      a.source < b.source ? -1 : Number(a.source > b.source),
    );
    await this.#db.transaction(async tx => {
      for (const { source, events } of bySource) {
        for (const [type, table] of Object.entries(tableByType)) {
          const result = await storeEvents(
            tx,
            table,
            source,
            events.filter(e => e.event.type === type),
            touched,
          );
          accepted += result.accepted;
          unchanged += result.unchanged;
        }
      }
      await bumpVersions(tx, [...touched]);
    });
    this.#noteWrites(accepted);
    return { accepted, unchanged };
  }

  async factsFor(options: {
    entityRefs?: string[];
    environment?: string;
  }): Promise<ScopeFacts> {
    const scoped = (query: Knex.QueryBuilder) =>
      options.entityRefs
        ? whereScopeMember(this.#db, query, 'entity_ref', options.entityRefs)
        : query.whereNotNull('entity_ref');
    const inEnvironment = (query: Knex.QueryBuilder) =>
      options.environment
        ? query.where('environment', options.environment)
        : query;

    // One after the other: the analysis that reads them runs beside ingest
    // and reads, and takes one of the plugin's few connections, not three.
    const deployments = await inEnvironment(
      scoped(this.#db('dora_deployments')),
    );
    const changes = await scoped(this.#db('dora_changes'));
    const incidents = await inEnvironment(scoped(this.#db('dora_incidents')));
    return {
      deployments: deployments.map(
        (r: DeploymentRow): StoredDeployment => ({
          source: r.source,
          id: r.event_id,
          service: r.service,
          entityRef: r.entity_ref,
          environment: r.environment,
          status: r.status,
          startedAt: toDate(r.started_at),
          finishedAt: toDate(r.finished_at),
          commitSha: r.commit_sha,
          commits: JSON.parse(r.commits),
          rollback: Boolean(r.rollback),
          unplanned: Boolean(r.unplanned),
        }),
      ),
      changes: changes.map(
        (r: ChangeRow): StoredChange => ({
          source: r.source,
          id: r.event_id,
          service: r.service,
          entityRef: r.entity_ref,
          sha: r.sha,
          authoredAt: toDate(r.authored_at),
          prNumber: r.pr_number,
          labels: JSON.parse(r.labels),
        }),
      ),
      incidents: incidents.map(
        (r: IncidentRow): StoredIncident => ({
          source: r.source,
          id: r.event_id,
          service: r.service,
          entityRef: r.entity_ref,
          environment: r.environment,
          openedAt: toDate(r.opened_at),
          resolvedAt: r.resolved_at ? toDate(r.resolved_at) : null,
          causedByDeploymentId: r.caused_by_deployment_id,
          causedBySha: r.caused_by_sha,
          resolvedByDeploymentId: r.resolved_by_deployment_id,
        }),
      ),
    };
  }

  async unattributedServices() {
    // One statement over the three tables (each read by its partial index
    // of unattributed events).
    const [first, ...rest] = Object.values(tableByType).map(table =>
      this.#db(table).whereNull('entity_ref').select('service'),
    );
    const rows = (await this.#db
      .from(first.unionAll(rest).as('u'))
      .groupBy('service')
      .select('service')
      .count({ events: '*' })) as Array<{
      service: string;
      events: string | number;
    }>;
    return rows
      .map(row => ({
        service: String(row.service),
        events: Number(row.events),
      }))
      .sort((a, b) => a.service.localeCompare(b.service));
  }

  async attribute(service: string, entityRef: string) {
    await this.#db.transaction(async tx => {
      for (const table of Object.values(tableByType)) {
        await tx(table)
          .whereNull('entity_ref')
          .where({ service })
          .update({ entity_ref: entityRef });
      }
      await bumpVersions(tx, [entityRef]);
    });
  }

  async staleAnalyses(entityRefs?: string[], options?: { limit?: number }) {
    const stale = new Map<string, number>();
    const query = this.#db('dora_entity_versions as v')
      .leftJoin('dora_analysis_versions as a', 'a.entity_ref', 'v.entity_ref')
      .where(q =>
        q
          .whereNull('a.version')
          .orWhereRaw('?? <> ??', ['a.version', 'v.version']),
      )
      .select('v.entity_ref', 'v.version');
    if (entityRefs)
      whereScopeMember(this.#db, query, 'v.entity_ref', entityRefs);
    if (options?.limit !== undefined) query.limit(options.limit);
    for (const row of await query) {
      stale.set(row.entity_ref, Number(row.version));
    }
    return stale;
  }

  async adoptAnalysisRules(rules: string) {
    return this.#db.transaction(async tx => {
      // Replicas starting together take turns; the later finds the rules
      // adopted and marks nothing.
      const adopted = tx('dora_analysis_rules').where({ id: 1 }).first('rules');
      if (isPostgres(tx)) adopted.forUpdate();
      if ((await adopted)?.rules === rules) return 0;
      const marked = await tx('dora_entity_versions').update({
        version: tx.raw('?? + 1', ['version']),
      });
      await tx('dora_analysis_rules')
        .insert({ id: 1, rules, adopted_at: new Date() })
        .onConflict('id')
        .merge();
      return marked;
    });
  }

  async analysisRules() {
    const adopted = await this.#db('dora_analysis_rules')
      .where({ id: 1 })
      .first('rules');
    return adopted?.rules as string | undefined;
  }

  async replaceAnalyses(
    entityRef: string,
    version: number,
    rows: DoraDeploymentRow[],
  ) {
    return this.#db
      .transaction(async tx => {
        // Claim the entity's analysis first: its version row, locked until
        // commit, so replicas analysing the same entity take turns instead of
        // interleaving row locks (which deadlocked); a writer that then finds
        // the analysis at this version or newer has nothing to do.
        await tx('dora_analysis_versions')
          .insert({ entity_ref: entityRef, version: 0 })
          .onConflict('entity_ref')
          .ignore();
        const claim = tx('dora_analysis_versions')
          .where({ entity_ref: entityRef })
          .first('version');
        if (tx.client.config.client === 'pg') claim.forUpdate();
        const current = await claim;
        if (current && Number(current.version) >= version) return false;

        // Write only what changed: under constant ingest an entity's newest
        // few verdicts change, not its whole history.
        const records = new Map(
          rows.map(row => {
            const json = JSON.stringify(row);
            const record = {
              entity_ref: entityRef,
              environment: row.environment,
              source: row.source,
              event_id: row.id,
              finished_at: new Date(row.finishedAt),
              rollback: row.rollback,
              failed: row.failed,
              recovery_seconds: row.recoverySeconds,
              rework: row.rework,
              lead_times: JSON.stringify(leadTimesOf(row)),
              row: json,
              row_hash: createHash('sha256').update(json).digest('hex'),
            };
            return [analysedKey(record), record];
          }),
        );
        const stored = (await tx('dora_analysed_deployments')
          .where({ entity_ref: entityRef })
          .select('environment', 'source', 'event_id', 'row_hash')) as Array<{
          environment: string;
          source: string;
          event_id: string;
          row_hash: string | null;
        }>;
        const replaced = stored.filter(
          row => records.get(analysedKey(row))?.row_hash !== row.row_hash,
        );
        // What this changes on each day (PostgreSQL keeps day totals): the
        // verdicts of rows rewritten or deleted taken away, those of rows
        // written added.
        const totals = isPostgres(tx);
        const changes = new DayTotals();
        for (const batch of totals ? chunk(replaced, 100) : []) {
          const verdicts = await tx('dora_analysed_deployments')
            .where({ entity_ref: entityRef })
            .whereIn(
              ['environment', 'source', 'event_id'],
              batch.map(row => [row.environment, row.source, row.event_id]),
            )
            .select('environment', ...VERDICT_COLUMNS);
          for (const row of verdicts) {
            changes.addVerdict(row.environment, storedVerdict(row), -1);
          }
        }
        for (const row of stored) {
          const key = analysedKey(row);
          const record = records.get(key);
          if (!record) {
            await tx('dora_analysed_deployments')
              .where({
                entity_ref: entityRef,
                environment: row.environment,
                source: row.source,
                event_id: row.event_id,
              })
              .delete();
          } else if (record.row_hash === row.row_hash) {
            records.delete(key);
          }
        }
        for (const batch of chunk([...records.values()], 100)) {
          await tx('dora_analysed_deployments')
            .insert(batch)
            .onConflict(['entity_ref', 'environment', 'source', 'event_id'])
            .merge();
        }
        for (const record of totals ? records.values() : []) {
          changes.addVerdict(record.environment, storedVerdict(record), 1);
        }
        // Appended, never updated: analyses of different entities on the
        // same day never wait on one another.
        if (totals) {
          for (const batch of chunk(changes.days(), 100)) {
            await tx('dora_day_totals').insert(batch.map(toDayTotalRecord));
          }
        }
        await tx('dora_analysis_versions')
          .where({ entity_ref: entityRef })
          .update({ version });
        return records.size;
      })
      .then(written => {
        if (written === false) return false;
        this.#noteWrites(written);
        return true;
      });
  }

  /** Analysed deployments of a scope, window and filter, newest first. */
  #analysedQuery(options: {
    entityRefs?: string[];
    environment: string;
    from: Date;
    to: Date;
    filter?: DoraDeploymentFilter;
  }) {
    const query = this.#db('dora_analysed_deployments')
      .where('environment', options.environment)
      .where('finished_at', '>=', options.from)
      .where('finished_at', '<', options.to);
    if (options.entityRefs) {
      whereScopeMember(this.#db, query, 'entity_ref', options.entityRefs);
    }
    if (options.filter === 'failed') query.where('failed', true);
    if (options.filter === 'rework') query.where('rework', true);
    if (options.filter === 'with-changes') {
      query.whereNot('lead_times', '[]');
    }
    return query;
  }

  async analysedDeployments(options: {
    entityRefs?: string[];
    environment: string;
    from: Date;
    to: Date;
    filter?: DoraDeploymentFilter;
  }) {
    const records = await this.#analysedQuery(options)
      .orderBy([...newestFirst])
      .select('row');
    return records.map((record: { row: string }) =>
      JSON.parse(record.row),
    ) as DoraDeploymentRow[];
  }

  async analysedDeploymentsAfter(options: {
    entityRefs?: string[];
    environment: string;
    from: Date;
    to: Date;
    filter?: DoraDeploymentFilter;
    limit: number;
    after?: AnalysedDeploymentKey;
  }) {
    const query = this.#analysedQuery(options);
    const after = options.after;
    if (after) {
      query.where(q =>
        q
          .where('finished_at', '<', after.finishedAt)
          .orWhere(q2 =>
            q2
              .where('finished_at', after.finishedAt)
              .where('event_id', '<', after.eventId),
          )
          .orWhere(q3 =>
            q3
              .where('finished_at', after.finishedAt)
              .where('event_id', after.eventId)
              .where('source', '<', after.source),
          ),
      );
    }
    const records: Array<{
      row: string;
      finished_at: Timestamp;
      event_id: string;
      source: string;
    }> = await query
      .orderBy([...newestFirst])
      .limit(options.limit)
      .select('row', 'finished_at', 'event_id', 'source');
    const last = records[records.length - 1];
    return {
      items: records.map(record =>
        JSON.parse(record.row),
      ) as DoraDeploymentRow[],
      next:
        last && records.length === options.limit
          ? {
              finishedAt: toDate(last.finished_at),
              eventId: last.event_id,
              source: last.source,
            }
          : undefined,
    };
  }

  async analysedDeploymentPage(options: {
    entityRefs?: string[];
    environment: string;
    from: Date;
    to: Date;
    filter?: DoraDeploymentFilter;
    limit: number;
    offset: number;
  }) {
    const [counted] = await this.#analysedQuery(options).count({
      total: '*',
    });
    const totalItems = Number(counted?.total ?? 0);
    if (options.offset >= totalItems) return { items: [], totalItems };
    const records = await this.#analysedQuery(options)
      .orderBy([...newestFirst])
      .limit(options.limit)
      .offset(options.offset)
      .select('row');
    return {
      items: records.map((record: { row: string }) =>
        JSON.parse(record.row),
      ) as DoraDeploymentRow[],
      totalItems,
    };
  }

  async deploymentVerdicts(options: {
    entityRefs?: string[];
    environment: string;
    from: Date;
    to: Date;
  }) {
    const query = this.#analysedQuery(options).select(
      'entity_ref',
      ...VERDICT_COLUMNS,
    );
    return (await query).map(storedVerdict);
  }

  async compactDayTotals(): Promise<number> {
    if (!isPostgres(this.#db)) return 0;
    const days = (
      await this.#db('dora_day_totals')
        .select('environment', 'day')
        .groupBy('environment', 'day')
        .havingRaw('count(*) > 1')
        .orderBy(['environment', 'day'])
    ).map((row: { environment: string; day: Timestamp }) => [
      row.environment,
      toDate(row.day),
    ]);
    for (const batch of chunk(days, COMPACT_DAYS)) {
      // The rows deleted are the rows summed: another compaction of the
      // same day deletes none of them again (it waits, then finds them
      // gone), and rows appended meanwhile stay as they are.
      const compacted = await this.#db.transaction(async tx => {
        const deleted = (await tx('dora_day_totals')
          .whereIn(['environment', 'day'], batch)
          .delete()
          .returning([
            'environment',
            'day',
            'deployments',
            'non_rollback',
            'failed_non_rollback',
            'rework',
            'lead_time_buckets',
            'recovery_buckets',
          ])) as DayTotalRecord[];
        const totals = new DayTotals();
        for (const record of deleted) {
          totals.addTotal(fromDayTotalRecord(record));
        }
        for (const rows of chunk(totals.days(), 100)) {
          await tx('dora_day_totals').insert(rows.map(toDayTotalRecord));
        }
        return deleted.length;
      });
      this.#noteCompacted(compacted);
    }
    return days.length;
  }

  async deploymentSummary(options: {
    entityRefs?: string[];
    environment: string;
    from: Date;
    to: Date;
  }): Promise<DeploymentSummary | undefined> {
    // SQLite (the local default's small organisation) sums in Node.
    if (!isPostgres(this.#db)) return undefined;
    const missing = await this.#missingFromMostOfAll(options);
    if (missing) return this.#summaryFromDayTotals(options, missing);
    const db = this.#db;
    const window = this.#analysedQuery(options).select(
      db.raw('0 as scope'),
      ...VERDICT_COLUMNS,
    );
    return (await this.#summariesOf(window, options.from, 1))[0];
  }

  async deploymentSummaries(options: {
    scopes: string[][];
    environment: string;
    from: Date;
    to: Date;
  }): Promise<DeploymentSummary[] | undefined> {
    if (!isPostgres(this.#db)) return undefined;
    const db = this.#db;
    // Each entity once for every scope it is in, as (entity_ref, scope).
    const membership = options.scopes.flatMap((entityRefs, scope) =>
      entityRefs.map(entity_ref => ({ entity_ref, scope })),
    );
    const window = this.#analysedQuery({ ...options, entityRefs: undefined })
      .join(
        db.raw(
          'jsonb_to_recordset(?::jsonb) as m(entity_ref text, scope int)',
          [JSON.stringify(membership)],
        ),
        'm.entity_ref',
        'dora_analysed_deployments.entity_ref',
      )
      .select('m.scope', ...VERDICT_COLUMNS);
    return this.#summariesOf(window, options.from, options.scopes.length);
  }

  /**
   * The summaries of the deployments `window` selects (its columns: a
   * scope number and the verdict columns), one per scope number from 0 to
   * `scopes` - 1, in one statement: the window is read once (a CTE used
   * several times is materialised) and summed four ways per scope.
   */
  async #summariesOf(
    window: Knex.QueryBuilder,
    from: Date,
    scopes: number,
  ): Promise<DeploymentSummary[]> {
    const db = this.#db;
    const percentiles = 'percentile_cont(array[0.5, 0.75, 0.9]) within group';
    const rows = (sql: string) =>
      `(select coalesce(json_agg(r), '[]'::json) from (${sql}) r)`;
    const [row] = await db.with('w', window).select(
      db.raw(
        `${rows(`select scope,
            count(*) as deployments,
            count(*) filter (where not rollback) as "nonRollback",
            count(*) filter (where failed and not rollback) as "failedNonRollback",
            count(*) filter (where rework) as rework
          from w group by scope`)} as counts`,
      ),
      db.raw(
        `${rows(`select scope,
            floor(extract(epoch from (finished_at - ?::timestamptz)) / 86400)::int as day,
            count(*)::int as n
          from w group by 1, 2`)} as per_day`,
        [from.toISOString()],
      ),
      db.raw(
        `${rows(`select scope, ${percentiles} (order by lt.v::float8) as p, count(*) as n
          from w cross join lateral jsonb_array_elements_text(w.lead_times::jsonb) as lt(v)
          group by scope`)} as lead`,
      ),
      db.raw(
        `${rows(`select scope, ${percentiles} (order by recovery_seconds) as p, count(*) as n
          from w where failed and recovery_seconds is not null
          group by scope`)} as recovery`,
      ),
    );
    const noDuration = { p50: null, p75: null, p90: null, n: 0 };
    const summaries: DeploymentSummary[] = Array.from(
      { length: scopes },
      () => ({
        deployments: 0,
        nonRollback: 0,
        failedNonRollback: 0,
        rework: 0,
        perDay: new Map(),
        leadTime: noDuration,
        recovery: noDuration,
      }),
    );
    type Counts = Record<
      'scope' | 'deployments' | 'nonRollback' | 'failedNonRollback' | 'rework',
      number | string
    >;
    for (const c of parseJson<Counts[]>(row.counts)) {
      const summary = summaries[Number(c.scope)];
      summary.deployments = Number(c.deployments);
      summary.nonRollback = Number(c.nonRollback);
      summary.failedNonRollback = Number(c.failedNonRollback);
      summary.rework = Number(c.rework);
    }
    for (const d of parseJson<Array<{ scope: number; day: number; n: number }>>(
      row.per_day,
    )) {
      summaries[Number(d.scope)].perDay.set(Number(d.day), Number(d.n));
    }
    const distribution = (d: { p: number[] | null; n: number | string }) => ({
      p50: d.p ? Number(d.p[0]) : null,
      p75: d.p ? Number(d.p[1]) : null,
      p90: d.p ? Number(d.p[2]) : null,
      n: Number(d.n),
    });
    type Distribution = { scope: number; p: number[] | null; n: number };
    for (const d of parseJson<Distribution[]>(row.lead)) {
      summaries[Number(d.scope)].leadTime = distribution(d);
    }
    for (const d of parseJson<Distribution[]>(row.recovery)) {
      summaries[Number(d.scope)].recovery = distribution(d);
    }
    return summaries;
  }

  /**
   * When a whole-day window's scope holds most entities with analyses (an
   * organisation), the analysed entities it lacks; undefined otherwise.
   */
  async #missingFromMostOfAll(options: {
    entityRefs?: string[];
    from: Date;
    to: Date;
  }): Promise<string[] | undefined> {
    const wholeDays =
      options.from.getTime() % DAY_MS === 0 &&
      options.to.getTime() % DAY_MS === 0;
    if (!wholeDays) return undefined;
    // A component's or a team's read asks nothing more: it cannot hold
    // more than half of 100 or more entities.
    const scopeSize = options.entityRefs?.length ?? Infinity;
    if (scopeSize * 2 <= DAY_TOTALS_MIN_ENTITIES) return undefined;
    const [{ analysedCount }] = await this.#db('dora_analysis_versions').count({
      analysedCount: '*',
    });
    const count = Number(analysedCount);
    if (count < DAY_TOTALS_MIN_ENTITIES || scopeSize * 2 <= count) {
      return undefined;
    }
    if (!options.entityRefs) return [];
    const analysed = (await this.#db('dora_analysis_versions').pluck(
      'entity_ref',
    )) as string[];
    const scope = new Set(options.entityRefs);
    const missing = analysed.filter(ref => !scope.has(ref));
    return missing.length * 2 < analysed.length ? missing : undefined;
  }

  async intervalSummaries(options: {
    entityRefs?: string[];
    environment: string;
    from: Date;
    to: Date;
    intervals: Array<{ from: Date; to: Date }>;
  }): Promise<DeploymentSummary[] | undefined> {
    if (!isPostgres(this.#db)) return undefined;
    const wholeDays = options.intervals.every(
      i => i.from.getTime() % DAY_MS === 0 && i.to.getTime() % DAY_MS === 0,
    );
    if (!wholeDays) return undefined;
    const missing = await this.#missingFromMostOfAll(options);
    if (missing) {
      const totals = await this.#dayTotalsLess(options, missing);
      return options.intervals.map(i => totals.summary(i.from, i.to));
    }
    // A smaller scope: each interval a scope of its own, summed in one
    // statement over the scope's deployments; a deployment's interval is
    // found by binary search over the intervals' starts (the window's
    // rows all fall in one).
    const starts = options.intervals.map(i => i.from.toISOString());
    const window = this.#analysedQuery(options).select(
      // An array literal: ISO instants hold no commas or braces.
      this.#db.raw('width_bucket(finished_at, ?::timestamptz[]) - 1 as scope', [
        `{${starts.join(',')}}`,
      ]),
      ...VERDICT_COLUMNS,
    );
    const summaries = await this.#summariesOf(
      window,
      options.from,
      starts.length,
    );
    // Days are counted from the window's start; each interval's from its own.
    return summaries.map((summary, k) => {
      const offset =
        (options.intervals[k].from.getTime() - options.from.getTime()) / DAY_MS;
      return {
        ...summary,
        perDay: new Map(
          [...summary.perDay].map(([day, n]) => [day - offset, n]),
        ),
      };
    });
  }

  /**
   * The summary of every analysed entity's deployments from the day
   * totals, less those of the `missing` entities, summed from their
   * deployments. Counts and deployments per day are exact; percentiles
   * within 1 % (see durationBuckets).
   */
  async #summaryFromDayTotals(
    options: { environment: string; from: Date; to: Date },
    missing: string[],
  ): Promise<DeploymentSummary> {
    const totals = await this.#dayTotalsLess(options, missing);
    return totals.summary(options.from, options.to);
  }

  /** A window's day totals, less the deployments of `missing` entities. */
  async #dayTotalsLess(
    options: { environment: string; from: Date; to: Date },
    missing: string[],
  ): Promise<DayTotals> {
    const totals = new DayTotals();
    const records = (await this.#db('dora_day_totals')
      .where('environment', options.environment)
      .where('day', '>=', options.from)
      .where('day', '<', options.to)) as DayTotalRecord[];
    for (const record of records) totals.addTotal(fromDayTotalRecord(record));
    if (missing.length > 0) {
      const verdicts = await this.deploymentVerdicts({
        ...options,
        entityRefs: missing,
      });
      for (const verdict of verdicts) {
        totals.addVerdict(options.environment, verdict, -1);
      }
    }
    return totals;
  }

  async analysisFingerprint(entityRefs?: string[]) {
    const query = this.#db('dora_analysis_versions').select(
      this.#db.raw('count(*) as analysed'),
      this.#db.raw('coalesce(sum(version), 0) as versions'),
    );
    if (entityRefs) whereScopeMember(this.#db, query, 'entity_ref', entityRefs);
    const [row] = await query;
    return `${Number(row.analysed)}:${Number(row.versions)}`;
  }

  async versionsFor(entityRefs?: string[]) {
    const versions = new Map<string, number>();
    const query = this.#db('dora_entity_versions').select(
      'entity_ref',
      'version',
    );
    if (entityRefs) whereScopeMember(this.#db, query, 'entity_ref', entityRefs);
    for (const row of await query) {
      versions.set(row.entity_ref, Number(row.version));
    }
    return versions;
  }
}
