import type { Knex } from 'knex';
import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { whereScopeMember } from '@paved/catalog-scopes';
import { withDatabaseErrors } from '@paved/database-errors';
import type { CheckVerdict } from '@paved/plugin-scorecards-node';

const migrationsDir = resolvePackagePath(
  '@paved/plugin-scorecards-backend',
  'migrations',
);

/**
 * One check's stored outcome for a component: the check's own verdict, or
 * `pass-with-exception` where it failed and an approved exception was in
 * force (named, with its expiry).
 */
export type StoredCheck = {
  id: string;
  outcome: CheckVerdict['outcome'] | 'pass-with-exception';
  evidence: string;
  exception?: { id: string; expiresAt: string };
};

/** Checks that count as passed: passed, or failed under an exception. */
export const countsAsPassed = (check: StoredCheck) =>
  check.outcome === 'pass' || check.outcome === 'pass-with-exception';

/** A component's newest evaluation. */
export type StoredScorecard = {
  entityRef: string;
  level: string | null;
  checks: StoredCheck[];
  evaluatedAt: Date;
};

/** A component's level and each check's outcome, without the evidence. */
export type StoredOutcomes = {
  entityRef: string;
  level: string | null;
  outcomes: Record<string, StoredCheck['outcome']>;
};

/** The outcomes column of a component's checks. */
export const outcomesOf = (checks: StoredCheck[]) =>
  JSON.stringify(Object.fromEntries(checks.map(c => [c.id, c.outcome])));

/** Components at a level (null: below the first) on a day. */
export type LevelCountRow = {
  day: string;
  level: string | null;
  components: number;
};

/** Rows written per statement (SQLite allows 999 bound values). */
const WRITE_CHUNK = 100;

const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );

/**
 * Scorecard results as evaluations leave them: the newest per component,
 * and a daily history. Written only by the evaluation; every read comes
 * from here, so no page computes a check.
 */
export class ScorecardStore {
  readonly #db: Knex;

  static async create(options: {
    database: DatabaseService;
  }): Promise<ScorecardStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    // A lost connection answers 503; other database errors log bounded.
    return withDatabaseErrors(new ScorecardStore(client));
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  /**
   * Replaces every stored result with one evaluation of the whole catalog,
   * in one transaction (a reader sees the old results or the new, never a
   * mix), and records `day`'s history: one row per day and component, so
   * evaluations later the same day, on any replica, replace it rather than
   * add to it.
   *
   * The approved exceptions in force at `now` are applied inside the same
   * transaction, after locking the open exceptions: an approval committed
   * on any replica while the pass gathered its facts is counted, and one
   * under way waits for this write and then re-levels on top of it.
   * Answers the results as stored.
   */
  async replaceAll(
    day: string,
    evaluated: StoredScorecard[],
    exceptions?: {
      now: Date;
      apply: (
        scorecard: StoredScorecard,
        active: Map<string, { id: string; expiresAt: Date }> | undefined,
      ) => StoredScorecard;
    },
  ): Promise<StoredScorecard[]> {
    return this.#db.transaction(async tx => {
      if (!exceptions) {
        await this.#write(tx, day, evaluated);
        return evaluated;
      }
      const open: Array<{
        id: string;
        entity_ref: string;
        check_id: string;
        status: string;
        expires_at: string | Date;
      }> = await tx('scorecard_exceptions')
        .select('id', 'entity_ref', 'check_id', 'status', 'expires_at')
        .whereIn('status', ['pending', 'approved'])
        .forUpdate();
      const active = new Map<
        string,
        Map<string, { id: string; expiresAt: Date }>
      >();
      for (const row of open) {
        const expiresAt = new Date(row.expires_at);
        if (
          row.status !== 'approved' ||
          expiresAt.getTime() <= exceptions.now.getTime()
        ) {
          continue;
        }
        const checks = active.get(row.entity_ref) ?? new Map();
        checks.set(row.check_id, { id: row.id, expiresAt });
        active.set(row.entity_ref, checks);
      }
      const scorecards = evaluated.map(s =>
        exceptions.apply(s, active.get(s.entityRef)),
      );
      await this.#write(tx, day, scorecards);
      return scorecards;
    });
  }

  /** Stores one evaluation's results and the day's history, in `tx`. */
  async #write(
    tx: Knex.Transaction,
    day: string,
    scorecards: StoredScorecard[],
  ) {
    const current = new Set(scorecards.map(s => s.entityRef));
    // Components gone from the catalog leave the results (not the history).
    const stale = (
      (await tx('scorecard_results').pluck('entity_ref')) as string[]
    ).filter(ref => !current.has(ref));
    for (const part of chunk(stale, WRITE_CHUNK)) {
      await tx('scorecard_results').whereIn('entity_ref', part).delete();
    }
    for (const part of chunk(scorecards, WRITE_CHUNK)) {
      await tx('scorecard_results')
        .insert(
          part.map(s => ({
            entity_ref: s.entityRef,
            level: s.level,
            results: JSON.stringify(s.checks),
            outcomes: outcomesOf(s.checks),
            evaluated_at: s.evaluatedAt,
          })),
        )
        .onConflict('entity_ref')
        .merge();
      await tx('scorecard_history')
        .insert(
          part.map(s => ({
            day,
            entity_ref: s.entityRef,
            level: s.level,
            passed: s.checks.filter(countsAsPassed).length,
            failed: s.checks.filter(c => c.outcome === 'fail').length,
          })),
        )
        .onConflict(['day', 'entity_ref'])
        .merge();
    }
  }

  /** The stored scorecards of these components (all without a list). */
  async scorecards(entityRefs?: string[]): Promise<StoredScorecard[]> {
    const query = this.#db('scorecard_results').select(
      'entity_ref',
      'level',
      'results',
      'evaluated_at',
    );
    const rows = await (entityRefs
      ? whereScopeMember(this.#db, query, 'entity_ref', entityRefs)
      : query);
    return rows.map(row => ({
      entityRef: row.entity_ref,
      level: row.level ?? null,
      checks: JSON.parse(row.results),
      evaluatedAt: new Date(row.evaluated_at),
    }));
  }

  /** Adds history rows not recorded yet (the local demo's made-up past). */
  async backfillHistory(
    rows: Array<{
      day: string;
      entityRef: string;
      level: string | null;
      passed: number;
      failed: number;
    }>,
  ) {
    for (const part of chunk(rows, WRITE_CHUNK)) {
      await this.#db('scorecard_history')
        .insert(
          part.map(row => ({
            day: row.day,
            entity_ref: row.entityRef,
            level: row.level,
            passed: row.passed,
            failed: row.failed,
          })),
        )
        .onConflict(['day', 'entity_ref'])
        .ignore();
    }
  }

  /**
   * The level and check outcomes of these components (all without a
   * list), without the evidence: what roll-ups count.
   */
  async outcomes(entityRefs?: string[]): Promise<StoredOutcomes[]> {
    const query = this.#db('scorecard_results').select(
      'entity_ref',
      'level',
      'outcomes',
    );
    const rows = await (entityRefs
      ? whereScopeMember(this.#db, query, 'entity_ref', entityRefs)
      : query);
    const needFull = rows
      .filter(row => row.outcomes === null)
      .map(row => row.entity_ref as string);
    // Results written before the outcomes column: from the full results.
    const full = new Map(
      (needFull.length ? await this.scorecards(needFull) : []).map(s => [
        s.entityRef,
        JSON.parse(outcomesOf(s.checks)),
      ]),
    );
    return rows.map(row => ({
      entityRef: row.entity_ref,
      level: row.level ?? null,
      outcomes:
        row.outcomes === null
          ? full.get(row.entity_ref) ?? {}
          : JSON.parse(row.outcomes),
    }));
  }

  /** Components per level and day from `since` (YYYY-MM-DD) on. */
  async levelHistory(
    since: string,
    entityRefs?: string[],
  ): Promise<LevelCountRow[]> {
    const query = this.#db('scorecard_history')
      .select('day', 'level')
      .count({ components: '*' })
      .where('day', '>=', since)
      .groupBy('day', 'level')
      .orderBy('day');
    type Row = { day: string; level: string | null; components: unknown };
    const rows = (await (entityRefs
      ? whereScopeMember(this.#db, query, 'entity_ref', entityRefs)
      : query)) as unknown as Row[];
    return rows.map(row => ({
      day: String(row.day),
      level: row.level ?? null,
      components: Number(row.components),
    }));
  }
}
