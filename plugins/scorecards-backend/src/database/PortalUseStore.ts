import type { Knex } from 'knex';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { withDatabaseErrors } from '@paved/database-errors';
import type { PortalVisit } from '../checks/portalUse';

/** The most pages one user adds to a day's counts. */
export const MAX_PAGES_PER_USER_AND_DAY = 200;

/**
 * Portal use, one row per day, page and user, so every figure is a count
 * of distinct users. Users are kept as an opaque key (see PortalUseService).
 */
export class PortalUseStore {
  readonly #db: Knex;

  /** The scorecards' migrations have run (ScorecardStore.create). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<PortalUseStore> {
    return withDatabaseErrors(
      new PortalUseStore(await options.database.getClient()),
    );
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  /**
   * Adds a user's visits to a day; a page already counted for them that
   * day is not counted again, and past MAX_PAGES_PER_USER_AND_DAY pages
   * a day nothing more is.
   */
  async record(
    day: string,
    week: string,
    userKey: string,
    visits: PortalVisit[],
  ): Promise<void> {
    if (visits.length === 0) return;
    await this.#db.transaction(async tx => {
      const [{ count }] = await tx('scorecard_portal_use')
        .where({ day, user_key: userKey })
        .count({ count: '*' });
      const room = MAX_PAGES_PER_USER_AND_DAY - Number(count);
      if (room <= 0) return;
      await tx('scorecard_portal_use')
        .insert(
          visits.slice(0, room).map(visit => ({
            day,
            week,
            kind: visit.kind,
            subject: visit.subject,
            user_key: userKey,
          })),
        )
        .onConflict(['day', 'kind', 'subject', 'user_key'])
        .ignore();
    });
  }

  /** Distinct users per week (its Monday) from `sinceWeek` on. */
  async activeUsersPerWeek(
    sinceWeek: string,
  ): Promise<Array<{ week: string; users: number }>> {
    const rows = await this.#db('scorecard_portal_use')
      .where('week', '>=', sinceWeek)
      .groupBy('week')
      .select('week')
      .countDistinct({ users: 'user_key' });
    return rows.map((row: any) => ({
      week: String(row.week),
      users: Number(row.users),
    }));
  }

  /** The subjects of a kind most users opened from `sinceDay` on. */
  async mostUsed(
    kind: PortalVisit['kind'],
    sinceDay: string,
    limit: number,
  ): Promise<Array<{ subject: string; users: number }>> {
    const rows = await this.#db('scorecard_portal_use')
      .where('day', '>=', sinceDay)
      .andWhere({ kind })
      .groupBy('subject')
      .select('subject')
      .countDistinct({ users: 'user_key' })
      .orderBy([
        { column: 'users', order: 'desc' },
        { column: 'subject', order: 'asc' },
      ])
      .limit(limit);
    return rows.map((row: any) => ({
      subject: String(row.subject),
      users: Number(row.users),
    }));
  }

  /** Removes the days before `day`; answers how many rows went. */
  async prune(day: string): Promise<number> {
    return this.#db('scorecard_portal_use').where('day', '<', day).delete();
  }
}
