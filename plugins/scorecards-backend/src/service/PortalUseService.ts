import { createHash } from 'node:crypto';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { classifyPath, type PortalVisit } from '../checks/portalUse';
import { weekOf } from '../checks/adoption';
import type { PortalUseStore } from '../database/PortalUseStore';
import { signedInUser } from './principal';

const DAY_MS = 86_400_000;
/** The window of the most-used lists. */
const MOST_USED_DAYS = 28;
/** How many of each the lists name. */
const MOST_USED = 10;
/** Days of portal use kept. */
export const PORTAL_USE_KEPT_DAYS = 371;

/**
 * Portal use for the adoption page: weekly active users and the pages and
 * docs most users opened, from the paths the app reports as navigated to.
 * Counts of distinct signed-in users only: who opened what is never
 * answered, and a user is stored as a SHA-256 of their entity ref.
 */
export class PortalUseService {
  readonly #store: PortalUseStore;

  constructor(store: PortalUseStore) {
    this.#store = store;
  }

  /** Counts the pages a signed-in user opened today; answers how many count. */
  async record(
    paths: string[],
    credentials: BackstageCredentials,
    now = new Date(),
  ): Promise<number> {
    const user = signedInUser(
      credentials,
      'Portal use is recorded for signed-in users only',
    );
    const visits = new Map<string, PortalVisit>();
    for (const path of paths) {
      const visit = classifyPath(path);
      if (visit) visits.set(`${visit.kind} ${visit.subject}`, visit);
    }
    await this.#store.record(
      now.toISOString().slice(0, 10),
      weekOf(now),
      createHash('sha256').update(user).digest('hex'),
      [...visits.values()],
    );
    return visits.size;
  }

  /**
   * Active users in each of the last `weeks` weeks (every week present,
   * this one last), and the pages and docs most users opened in the last
   * 28 days.
   */
  async summary(weeks: number, now = new Date()) {
    const thisWeek = Date.parse(weekOf(now));
    const starts = Array.from({ length: weeks }, (_, i) =>
      new Date(thisWeek - (weeks - 1 - i) * 7 * DAY_MS)
        .toISOString()
        .slice(0, 10),
    );
    const since = new Date(now.getTime() - (MOST_USED_DAYS - 1) * DAY_MS)
      .toISOString()
      .slice(0, 10);
    const [active, pages, docs] = await Promise.all([
      this.#store.activeUsersPerWeek(starts[0]),
      this.#store.mostUsed('page', since, MOST_USED),
      this.#store.mostUsed('docs', since, MOST_USED),
    ]);
    const perWeek = new Map(active.map(a => [a.week, a.users]));
    return {
      weeks: starts.map(week => ({
        week,
        activeUsers: perWeek.get(week) ?? 0,
      })),
      since,
      pages,
      docs,
    };
  }

  /** Forgets the days older than a year and a week. */
  async prune(now = new Date()): Promise<number> {
    return this.#store.prune(
      new Date(now.getTime() - PORTAL_USE_KEPT_DAYS * DAY_MS)
        .toISOString()
        .slice(0, 10),
    );
  }
}
