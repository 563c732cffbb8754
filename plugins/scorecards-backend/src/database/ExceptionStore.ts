import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { isUniqueViolation, withDatabaseErrors } from '@paved/database-errors';
import { countsAsPassed, outcomesOf, type StoredCheck } from './ScorecardStore';

export type ExceptionStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/** An exception to one check for one component, as requested and decided. */
export type StoredException = {
  id: string;
  entityRef: string;
  checkId: string;
  reason: string;
  status: ExceptionStatus;
  requestedBy: string;
  requestedAt: Date;
  expiresAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  remindedAt: Date | null;
};

export type ExceptionAction =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'reminded'
  | 'expired';

/** One line of an exception's audit trail. */
export type ExceptionEvent = {
  exceptionId: string;
  action: ExceptionAction;
  actor: string;
  at: Date;
  note: string | null;
};

/**
 * Re-levels a component's stored results once an exception applies to it:
 * the checks with the exceptions now in force, and the level they reach.
 */
export type Relevel = (
  entityRef: string,
  checks: StoredCheck[],
  active: Map<string, StoredException>,
) => { checks: StoredCheck[]; level: string | null };

/** The actor the store records for what the scheduled pass does. */
export const SCHEDULE_ACTOR = 'plugin:scorecards';

const OPEN_STATUSES: ExceptionStatus[] = ['pending', 'approved'];

const openKey = (entityRef: string, checkId: string) =>
  `${entityRef}|${checkId}`;

type Row = {
  id: string;
  entity_ref: string;
  check_id: string;
  reason: string;
  status: ExceptionStatus;
  requested_by: string;
  requested_at: string | Date;
  expires_at: string | Date;
  decided_by: string | null;
  decided_at: string | Date | null;
  decision_note: string | null;
  reminded_at: string | Date | null;
};

const toDate = (value: string | Date | number) =>
  value instanceof Date ? value : new Date(value);

function fromRow(row: Row): StoredException {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    checkId: row.check_id,
    reason: row.reason,
    status: row.status,
    requestedBy: row.requested_by,
    requestedAt: toDate(row.requested_at),
    expiresAt: toDate(row.expires_at),
    decidedBy: row.decided_by,
    decidedAt: row.decided_at === null ? null : toDate(row.decided_at),
    decisionNote: row.decision_note,
    remindedAt: row.reminded_at === null ? null : toDate(row.reminded_at),
  };
}

/**
 * Exceptions and their audit trail. Every change of an exception is one
 * transaction with its audit row; an approval also re-levels the
 * component's stored results in it, so the roll-ups never show an
 * approved exception uncounted.
 */
export class ExceptionStore {
  readonly #db: Knex;

  /** The scorecards' migrations have run (ScorecardStore.create). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<ExceptionStore> {
    const client = await options.database.getClient();
    return withDatabaseErrors(new ExceptionStore(client));
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  /**
   * Records a request. A component has at most one open (pending or
   * approved, unexpired) exception per check: the same request again (a
   * retry) answers the one stored, with `created: false`; a different one
   * is a conflict.
   */
  async request(input: {
    entityRef: string;
    checkId: string;
    reason: string;
    expiresAt: Date;
    requestedBy: string;
    now: Date;
  }): Promise<{ exception: StoredException; created: boolean }> {
    const key = openKey(input.entityRef, input.checkId);
    try {
      const exception = await this.#db.transaction(async tx => {
        await this.#expire(tx, input.now, key);
        const id = randomUUID();
        await tx('scorecard_exceptions').insert({
          id,
          entity_ref: input.entityRef,
          check_id: input.checkId,
          reason: input.reason,
          status: 'pending',
          requested_by: input.requestedBy,
          requested_at: input.now,
          expires_at: input.expiresAt,
          open_key: key,
        });
        await this.#event(tx, id, 'requested', input.requestedBy, input.now, {
          note: input.reason,
        });
        return fromRow(await tx('scorecard_exceptions').where({ id }).first());
      });
      return { exception, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // One is open already (perhaps stored by this very request's first try).
    const open: Row | undefined = await this.#db('scorecard_exceptions')
      .where({ open_key: key })
      .first();
    if (!open) {
      throw new ConflictError(
        'Another request for this exception was stored at the same moment; retry',
      );
    }
    const existing = fromRow(open);
    if (
      existing.status === 'pending' &&
      existing.requestedBy === input.requestedBy &&
      existing.reason === input.reason &&
      existing.expiresAt.getTime() === input.expiresAt.getTime()
    ) {
      return { exception: existing, created: false };
    }
    throw new ConflictError(
      `${input.entityRef} already has ${
        existing.status === 'pending' ? 'a pending' : 'an approved'
      } exception to ${input.checkId} (${
        existing.id
      }, until ${existing.expiresAt.toISOString().slice(0, 10)}, requested by ${
        existing.requestedBy
      })`,
    );
  }

  /**
   * Approves or rejects a pending exception. Deciding the same way again
   * (a retry by the same admin) changes nothing; any other decision on a
   * decided exception is a conflict. An approval re-levels the component's
   * stored results and today's history in the same transaction.
   */
  async decide(input: {
    id: string;
    decision: 'approved' | 'rejected';
    note: string | null;
    decidedBy: string;
    now: Date;
    relevel: Relevel;
  }): Promise<{ exception: StoredException; changed: boolean }> {
    return this.#db.transaction(async tx => {
      const row: Row | undefined = await tx('scorecard_exceptions')
        .where({ id: input.id })
        .forUpdate()
        .first();
      if (!row) {
        throw new NotFoundError(`No exception ${input.id}`);
      }
      const current = fromRow(row);
      if (current.status !== 'pending') {
        if (
          current.status === input.decision &&
          current.decidedBy === input.decidedBy
        ) {
          return { exception: current, changed: false };
        }
        throw new ConflictError(
          `The exception ${input.id} is ${current.status}${
            current.decidedBy ? ` (by ${current.decidedBy})` : ''
          }; only a pending one can be decided`,
        );
      }
      if (current.expiresAt.getTime() <= input.now.getTime()) {
        throw new ConflictError(
          `The exception ${
            input.id
          } expired on ${current.expiresAt.toISOString()} before anyone decided; the owners may request a new one`,
        );
      }
      await tx('scorecard_exceptions')
        .where({ id: input.id })
        .update({
          status: input.decision,
          decided_by: input.decidedBy,
          decided_at: input.now,
          decision_note: input.note,
          open_key:
            input.decision === 'approved'
              ? openKey(current.entityRef, current.checkId)
              : null,
        });
      await this.#event(
        tx,
        input.id,
        input.decision,
        input.decidedBy,
        input.now,
        { note: input.note },
      );
      if (input.decision === 'approved') {
        await this.#relevel(tx, current.entityRef, input.now, input.relevel);
      }
      const decided = fromRow(
        await tx('scorecard_exceptions').where({ id: input.id }).first(),
      );
      return { exception: decided, changed: true };
    });
  }

  /** Approved exceptions in force at `now`, by component and check. */
  async active(
    now: Date,
    entityRefs?: string[],
  ): Promise<Map<string, Map<string, StoredException>>> {
    const query = this.#db('scorecard_exceptions')
      .where({ status: 'approved' })
      .where('expires_at', '>', now);
    const rows: Row[] = await (entityRefs
      ? query.whereIn('entity_ref', entityRefs)
      : query);
    return this.#byEntity(rows.map(fromRow));
  }

  /** The open (pending or approved, unexpired) exceptions of components. */
  async open(
    now: Date,
    entityRefs: string[],
  ): Promise<Map<string, Map<string, StoredException>>> {
    const rows: Row[] = await this.#db('scorecard_exceptions')
      .whereIn('status', OPEN_STATUSES)
      .where('expires_at', '>', now)
      .whereIn('entity_ref', entityRefs);
    return this.#byEntity(rows.map(fromRow));
  }

  /**
   * Exceptions newest first: of some components, or of all; with a status,
   * only those. At most `limit`.
   */
  async list(options: {
    entityRefs?: string[];
    /** As the API shows them: pending and approved end at their expiry. */
    status?: ExceptionStatus;
    now: Date;
    limit: number;
  }): Promise<StoredException[]> {
    let query = this.#db('scorecard_exceptions')
      .orderBy('requested_at', 'desc')
      .orderBy('id')
      .limit(options.limit);
    if (options.entityRefs) {
      query = query.whereIn('entity_ref', options.entityRefs);
    }
    const { status, now } = options;
    if (status === 'pending' || status === 'approved') {
      query = query.where({ status }).where('expires_at', '>', now);
    } else if (status === 'expired') {
      // Marked expired, or past the expiry before the pass marked it.
      query = query.where(q =>
        q
          .where({ status: 'expired' })
          .orWhere(open =>
            open
              .whereIn('status', OPEN_STATUSES)
              .where('expires_at', '<=', now),
          ),
      );
    } else if (status) {
      query = query.where({ status });
    }
    return ((await query) as Row[]).map(fromRow);
  }

  async get(id: string): Promise<StoredException | undefined> {
    const row: Row | undefined = await this.#db('scorecard_exceptions')
      .where({ id })
      .first();
    return row && fromRow(row);
  }

  /** The audit trails of these exceptions, oldest first. */
  async events(exceptionIds: string[]): Promise<ExceptionEvent[]> {
    if (exceptionIds.length === 0) return [];
    const rows = await this.#db('scorecard_exception_events')
      .whereIn('exception_id', exceptionIds)
      .orderBy('id');
    return rows.map(
      (row: {
        exception_id: string;
        action: ExceptionAction;
        actor: string;
        at: string | Date;
        note: string | null;
      }) => ({
        exceptionId: row.exception_id,
        action: row.action,
        actor: row.actor,
        at: toDate(row.at),
        note: row.note,
      }),
    );
  }

  /**
   * Marks every open exception whose expiry has passed as expired; answers
   * those this call expired (another replica's pass gets none of them).
   */
  async expireDue(now: Date): Promise<StoredException[]> {
    return this.#db.transaction(tx => this.#expire(tx, now));
  }

  /**
   * Claims the approved exceptions that expire before `before` and whose
   * owners have not been reminded, so each reminder goes out once across
   * replicas; answers those claimed.
   */
  async claimReminders(now: Date, before: Date): Promise<StoredException[]> {
    return this.#db.transaction(async tx => {
      const due: Row[] = await tx('scorecard_exceptions')
        .where({ status: 'approved' })
        .whereNull('reminded_at')
        .where('expires_at', '>', now)
        .where('expires_at', '<=', before);
      const claimed: StoredException[] = [];
      for (const row of due) {
        const updated = await tx('scorecard_exceptions')
          .where({ id: row.id })
          .whereNull('reminded_at')
          .update({ reminded_at: now });
        if (updated === 1) {
          await this.#event(tx, row.id, 'reminded', SCHEDULE_ACTOR, now);
          claimed.push({ ...fromRow(row), remindedAt: now });
        }
      }
      return claimed;
    });
  }

  async #expire(
    tx: Knex.Transaction,
    now: Date,
    key?: string,
  ): Promise<StoredException[]> {
    let query = tx('scorecard_exceptions')
      .whereNotNull('open_key')
      .where('expires_at', '<=', now);
    if (key) query = query.where({ open_key: key });
    const due: Row[] = await query;
    const expired: StoredException[] = [];
    for (const row of due) {
      const updated = await tx('scorecard_exceptions')
        .where({ id: row.id })
        .whereNotNull('open_key')
        .update({ status: 'expired', open_key: null });
      if (updated === 1) {
        await this.#event(tx, row.id, 'expired', SCHEDULE_ACTOR, now, {
          note:
            row.status === 'pending'
              ? 'Expired before anyone decided.'
              : 'Expired; the check counts again.',
        });
        expired.push({ ...fromRow(row), status: 'expired' });
      }
    }
    return expired;
  }

  async #relevel(
    tx: Knex.Transaction,
    entityRef: string,
    now: Date,
    relevel: Relevel,
  ) {
    const stored = await tx('scorecard_results')
      .where({ entity_ref: entityRef })
      .first();
    // Not evaluated yet: the first evaluation applies the exception.
    if (!stored) return;
    const active: Row[] = await tx('scorecard_exceptions')
      .where({ entity_ref: entityRef, status: 'approved' })
      .where('expires_at', '>', now);
    const { checks, level } = relevel(
      entityRef,
      JSON.parse(stored.results),
      new Map(active.map(row => [row.check_id, fromRow(row)])),
    );
    await tx('scorecard_results')
      .where({ entity_ref: entityRef })
      .update({
        level,
        results: JSON.stringify(checks),
        outcomes: outcomesOf(checks),
      });
    await tx('scorecard_history')
      .insert({
        day: now.toISOString().slice(0, 10),
        entity_ref: entityRef,
        level,
        passed: checks.filter(countsAsPassed).length,
        failed: checks.filter(c => c.outcome === 'fail').length,
      })
      .onConflict(['day', 'entity_ref'])
      .merge();
  }

  async #event(
    tx: Knex.Transaction,
    exceptionId: string,
    action: ExceptionAction,
    actor: string,
    at: Date,
    extra: { note?: string | null } = {},
  ) {
    await tx('scorecard_exception_events').insert({
      exception_id: exceptionId,
      action,
      actor,
      at,
      note: extra.note ?? null,
    });
  }

  #byEntity(exceptions: StoredException[]) {
    const byEntity = new Map<string, Map<string, StoredException>>();
    for (const exception of exceptions) {
      const checks = byEntity.get(exception.entityRef) ?? new Map();
      checks.set(exception.checkId, exception);
      byEntity.set(exception.entityRef, checks);
    }
    return byEntity;
  }
}
