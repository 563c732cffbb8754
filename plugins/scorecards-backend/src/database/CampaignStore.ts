import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { isUniqueViolation, withDatabaseErrors } from '@paved/database-errors';

/** The components a campaign asks: each list narrows, empty means any. */
export type CampaignTarget = {
  /** Owners (full group or user refs). */
  owners?: string[];
  /** Systems (full refs). */
  systems?: string[];
  /** spec.type values, e.g. service. */
  types?: string[];
  /** spec.lifecycle values, e.g. production. */
  lifecycles?: string[];
  /** Components created from this template (full ref, lower case). */
  template?: string;
};

export type StoredCampaign = {
  id: string;
  title: string;
  description: string;
  checks: string[];
  target: CampaignTarget;
  /** A template upgrade: the version of target.template asked for. */
  upgradeTo: string | null;
  deadline: Date;
  createdBy: string;
  createdAt: Date;
  reminderStage: number;
  /** From the last evaluation. */
  targeted: number;
  done: number;
};

/** A targeted component, as the last evaluation left it. */
export type CampaignTargetRow = {
  campaignId: string;
  entityRef: string;
  done: boolean;
  /** The campaign's checks it still fails. */
  failing: string[];
};

export type CampaignProgressRow = {
  day: string;
  targeted: number;
  done: number;
};

/** Rows written per statement (SQLite allows 999 bound values). */
const WRITE_CHUNK = 200;

const toDate = (value: string | Date | number) =>
  value instanceof Date ? value : new Date(value);

type CampaignRow = {
  id: string;
  title: string;
  description: string;
  checks: string;
  target: string;
  upgrade_to: string | null;
  deadline: string | Date;
  created_by: string;
  created_at: string | Date;
  reminder_stage: number;
};

/**
 * Campaigns, the components each targets and the daily burn-up, written
 * by the scheduled evaluation so every read comes from here.
 */
export class CampaignStore {
  readonly #db: Knex;

  /** The scorecards' migrations have run (ScorecardStore.create). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<CampaignStore> {
    return withDatabaseErrors(
      new CampaignStore(await options.database.getClient()),
    );
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  /**
   * Starts a campaign. Titles are unique: the same start again (a retry)
   * answers the stored campaign with `created: false`; another campaign
   * with the title is a conflict.
   */
  async start(input: {
    title: string;
    description: string;
    checks: string[];
    target: CampaignTarget;
    upgradeTo: string | null;
    deadline: Date;
    createdBy: string;
    now: Date;
  }): Promise<{ campaign: StoredCampaign; created: boolean }> {
    const id = randomUUID();
    try {
      await this.#db('scorecard_campaigns').insert({
        id,
        title: input.title,
        description: input.description,
        checks: JSON.stringify(input.checks),
        target: JSON.stringify(input.target),
        upgrade_to: input.upgradeTo,
        deadline: input.deadline,
        created_by: input.createdBy,
        created_at: input.now,
        reminder_stage: 0,
      });
      return { campaign: (await this.get(id))!, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const row: CampaignRow | undefined = await this.#db('scorecard_campaigns')
      .where({ title: input.title })
      .first();
    const existing = row && (await this.#withCounts([row]))[0];
    if (
      existing &&
      existing.createdBy === input.createdBy &&
      existing.deadline.getTime() === input.deadline.getTime() &&
      JSON.stringify(existing.checks) === JSON.stringify(input.checks) &&
      JSON.stringify(existing.target) === JSON.stringify(input.target) &&
      existing.upgradeTo === input.upgradeTo
    ) {
      return { campaign: existing, created: false };
    }
    throw new ConflictError(
      `A campaign titled "${input.title}" exists already; choose another title`,
    );
  }

  async get(id: string): Promise<StoredCampaign | undefined> {
    const row: CampaignRow | undefined = await this.#db('scorecard_campaigns')
      .where({ id })
      .first();
    return row && (await this.#withCounts([row]))[0];
  }

  /** Campaigns, the nearest deadline first; `since`: deadlines from then on. */
  async list(options: { since?: Date } = {}): Promise<StoredCampaign[]> {
    let query = this.#db('scorecard_campaigns').orderBy('deadline');
    if (options.since) query = query.where('deadline', '>=', options.since);
    return this.#withCounts(await query);
  }

  /** The targets of one campaign, or the campaigns one component is in. */
  async targets(options: {
    campaignId?: string;
    entityRef?: string;
  }): Promise<CampaignTargetRow[]> {
    let query = this.#db('scorecard_campaign_targets').orderBy('entity_ref');
    if (options.campaignId) {
      query = query.where({ campaign_id: options.campaignId });
    }
    if (options.entityRef) {
      query = query.where({ entity_ref: options.entityRef });
    }
    return (await query).map(
      (row: {
        campaign_id: string;
        entity_ref: string;
        done: boolean | number;
        failing: string;
      }) => ({
        campaignId: row.campaign_id,
        entityRef: row.entity_ref,
        done: Boolean(row.done),
        failing: JSON.parse(row.failing),
      }),
    );
  }

  /** The burn-up: one row per day with an evaluation, oldest first. */
  async progress(campaignId: string): Promise<CampaignProgressRow[]> {
    const rows = await this.#db('scorecard_campaign_progress')
      .where({ campaign_id: campaignId })
      .orderBy('day');
    return rows.map((row: { day: string; targeted: number; done: number }) => ({
      day: String(row.day),
      targeted: Number(row.targeted),
      done: Number(row.done),
    }));
  }

  /**
   * One evaluation's view of a campaign: its targets replaced, and the
   * day's progress row written or replaced (two passes a day, on any
   * replica, leave one row), in one transaction.
   */
  async record(
    campaignId: string,
    day: string,
    targets: Array<{ entityRef: string; failing: string[] }>,
  ) {
    await this.#db.transaction(async tx => {
      // One writer per campaign at a time (the start's recording and a
      // scheduled pass may meet): the second waits, then replaces.
      await tx('scorecard_campaigns')
        .where({ id: campaignId })
        .forUpdate()
        .first();
      await tx('scorecard_campaign_targets')
        .where({ campaign_id: campaignId })
        .delete();
      for (let i = 0; i < targets.length; i += WRITE_CHUNK) {
        await tx('scorecard_campaign_targets').insert(
          targets.slice(i, i + WRITE_CHUNK).map(t => ({
            campaign_id: campaignId,
            entity_ref: t.entityRef,
            failing: JSON.stringify(t.failing),
            done: t.failing.length === 0,
          })),
        );
      }
      await tx('scorecard_campaign_progress')
        .insert({
          campaign_id: campaignId,
          day,
          targeted: targets.length,
          done: targets.filter(t => t.failing.length === 0).length,
        })
        .onConflict(['campaign_id', 'day'])
        .merge();
    });
  }

  /**
   * Claims a reminder stage of a campaign (1: a week before, 2: at the
   * deadline) so it is sent once across replicas: true for the one call
   * that moved the campaign to it.
   */
  async claimReminder(campaignId: string, stage: number): Promise<boolean> {
    const updated = await this.#db('scorecard_campaigns')
      .where({ id: campaignId })
      .where('reminder_stage', '<', stage)
      .update({ reminder_stage: stage });
    return updated === 1;
  }

  async #withCounts(rows: CampaignRow[]): Promise<StoredCampaign[]> {
    if (rows.length === 0) return [];
    const counts = await this.#db('scorecard_campaign_targets')
      .select('campaign_id')
      .count({ targeted: '*' })
      .sum({ done: this.#db.raw('case when done then 1 else 0 end') })
      .whereIn(
        'campaign_id',
        rows.map(r => r.id),
      )
      .groupBy('campaign_id');
    const byId = new Map(
      counts.map((c: any) => [
        c.campaign_id,
        { targeted: Number(c.targeted), done: Number(c.done ?? 0) },
      ]),
    );
    return rows.map(row => ({
      id: row.id,
      title: row.title,
      description: row.description,
      checks: JSON.parse(row.checks),
      target: JSON.parse(row.target),
      upgradeTo: row.upgrade_to ?? null,
      deadline: toDate(row.deadline),
      createdBy: row.created_by,
      createdAt: toDate(row.created_at),
      reminderStage: Number(row.reminder_stage),
      targeted: byId.get(row.id)?.targeted ?? 0,
      done: byId.get(row.id)?.done ?? 0,
    }));
  }
}
