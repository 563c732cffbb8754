import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createHash } from 'node:crypto';
import {
  CatalogScopeResolver,
  type EntityScope,
  type OrganisationScope,
} from '@paved/catalog-scopes';
import type { ScorecardRollup } from '@paved/plugin-scorecards-common';
import type { ScorecardCheck } from '@paved/plugin-scorecards-node';
import type { AdoptionStore } from '../database/AdoptionStore';
import type { ExceptionStore } from '../database/ExceptionStore';
import type { ScorecardStore } from '../database/ScorecardStore';
import { levelOf, levelOfCheck, type ScorecardLevel } from '../checks/levels';

const DAY_MS = 86_400_000;
/** The most components a roll-up lists one by one. */
const MAX_MEMBERS = 500;
/**
 * A roll-up of at least this many components (the organisation, a large
 * department) is kept for {@link LARGE_ROLLUP_TTL_MS} and shared by the
 * readers of the same components: it parses every component's stored
 * outcomes, ~40 ms for 5,000 of them on an idle 2-core machine and several
 * times that while DORA history pours in, and the results change only with
 * an evaluation pass (every few minutes) or an exception decision.
 */
const LARGE_ROLLUP = 1_000;
const LARGE_ROLLUP_TTL_MS = 10_000;
/** Large roll-ups kept at most (each a scope and a number of days). */
const LARGE_ROLLUP_ENTRIES = 20;

const outcomeOrder = {
  fail: 0,
  'pass-with-exception': 1,
  pass: 2,
  'not-applicable': 3,
} as const;

type ServiceOptions = {
  store: ScorecardStore;
  adoption: AdoptionStore;
  exceptions: ExceptionStore;
  catalog: CatalogService;
  checks: ScorecardCheck[];
  levels: ScorecardLevel[];
  /** The longest an exception may be requested for. */
  exceptionMaxDays: number;
};

/**
 * The reads behind the API: a component's stored scorecard and the
 * roll-up of a team, a system or the organisation. Scopes are resolved
 * with the reader's credentials, so the catalog's read rules hold.
 */
export class ScorecardService {
  readonly #store: ScorecardStore;
  readonly #adoption: AdoptionStore;
  readonly #exceptions: ExceptionStore;
  readonly #scopes: CatalogScopeResolver;
  readonly #checks: ScorecardCheck[];
  readonly #levels: ScorecardLevel[];
  readonly #exceptionMaxDays: number;
  /** Large roll-ups by scope, members and days (see {@link LARGE_ROLLUP}). */
  readonly #largeRollups = new Map<
    string,
    { at: number; rollup: Promise<ScorecardRollup> }
  >();

  static create(options: ServiceOptions) {
    return new ScorecardService(options);
  }

  private constructor(options: ServiceOptions) {
    this.#store = options.store;
    this.#adoption = options.adoption;
    this.#exceptions = options.exceptions;
    this.#scopes = CatalogScopeResolver.create({ catalog: options.catalog });
    this.#checks = options.checks;
    this.#levels = options.levels;
    this.#exceptionMaxDays = options.exceptionMaxDays;
  }

  definitions() {
    return {
      exceptionMaxDays: this.#exceptionMaxDays,
      levels: this.#levels,
      checks: this.#checks.map(
        ({ id, title, description, rationale, fix }) => ({
          id,
          title,
          description,
          rationale,
          fix,
        }),
      ),
    };
  }

  /**
   * The golden paths' adoption over `days`: per day, components and teams
   * on a golden path and on its current version; today's template runs
   * per week and per template, and each golden path's current release
   * with how soon its components took it up. Counts only: nobody is named.
   */
  async adoption(days: number) {
    const since = new Date(Date.now() - (days - 1) * DAY_MS)
      .toISOString()
      .slice(0, 10);
    const history = await this.#adoption.history(since);
    const latest = history.at(-1);
    return {
      latest: latest
        ? {
            day: latest.day,
            components: latest.components,
            onGoldenPath: latest.onGoldenPath,
            onCurrentVersion: latest.onCurrentVersion,
            teams: latest.teams,
            teamsOnGoldenPath: latest.teamsOnGoldenPath,
          }
        : null,
      history: history.map(
        ({ templateRuns: _runs, releases: _releases, ...day }) => day,
      ),
      templateRuns: latest?.templateRuns ?? null,
      releases: latest?.releases ?? [],
    };
  }

  /** A component's checks (failing first) and level, as last evaluated. */
  async entityScorecard(entityRef: string, credentials: BackstageCredentials) {
    const scope = await this.#scopes.resolve(entityRef, {
      credentials,
      kinds: ['component'],
    });
    const [[stored], open] = await Promise.all([
      this.#store.scorecards([scope.entityRef]),
      this.#exceptions.open(new Date(), [scope.entityRef]),
    ]);
    const openByCheck = open.get(scope.entityRef);
    const byId = new Map((stored?.checks ?? []).map(c => [c.id, c]));
    const levelOfId = levelOfCheck(this.#levels);
    const levelIndex = new Map(this.#levels.map((l, i) => [l.id, i]));
    const rank = (level: string | null) =>
      level === null ? this.#levels.length : levelIndex.get(level)!;
    const checks = stored
      ? this.#checks
          .flatMap(check => {
            const result = byId.get(check.id);
            if (!result) return [];
            const { id, title, description, rationale, fix } = check;
            const exception = openByCheck?.get(id);
            return [
              {
                id,
                title,
                description,
                rationale,
                fix,
                outcome: result.outcome,
                evidence: result.evidence,
                level: levelOfId.get(id) ?? null,
                // The exception asked for or granted, whether or not the
                // stored results count it yet.
                ...(exception
                  ? {
                      exception: {
                        id: exception.id,
                        status: exception.status as 'pending' | 'approved',
                        reason: exception.reason,
                        requestedBy: exception.requestedBy,
                        expiresAt: exception.expiresAt.toISOString(),
                      },
                    }
                  : {}),
              },
            ];
          })
          .sort(
            (a, b) =>
              outcomeOrder[a.outcome] - outcomeOrder[b.outcome] ||
              rank(a.level) - rank(b.level),
          )
      : [];
    // The level from the results as stored (the definitions may have
    // changed since; the next evaluation stores the new level).
    const { nextLevel } = levelOf(
      this.#levels,
      new Map(checks.map(c => [c.id, c.outcome])),
    );
    return {
      entityRef: scope.entityRef,
      evaluatedAt: stored ? stored.evaluatedAt.toISOString() : null,
      level: stored?.level ?? null,
      nextLevel: stored ? nextLevel : null,
      checks,
    };
  }

  /**
   * A scope's components by level and each check's outcomes, from the
   * stored results, with the daily history of levels over `days`.
   */
  async rollup(
    entityRef: string | undefined,
    days: number,
    credentials: BackstageCredentials,
  ): Promise<ScorecardRollup> {
    const scope = entityRef
      ? await this.#scopes.resolve(entityRef, {
          credentials,
          kinds: ['group', 'system'],
        })
      : await this.#scopes.organisation({ credentials });
    if (scope.members.length < LARGE_ROLLUP) return this.#rollup(scope, days);
    // The same components and days: the same answer, whoever asks (a
    // caller who sees other components has other members, so another key).
    const key = createHash('sha256')
      .update(
        [
          'entityRef' in scope ? scope.entityRef : '',
          days,
          ...scope.members.map(m => `${m.entityRef}\t${m.title ?? ''}`),
        ].join('\n'),
      )
      .digest('hex');
    const now = Date.now();
    const kept = this.#largeRollups.get(key);
    if (kept && now - kept.at < LARGE_ROLLUP_TTL_MS) return kept.rollup;
    const rollup = this.#rollup(scope, days);
    this.#largeRollups.delete(key);
    this.#largeRollups.set(key, { at: now, rollup });
    // A failed read is not kept; the oldest entry goes when there are too many.
    rollup.catch(() => {
      if (this.#largeRollups.get(key)?.rollup === rollup) {
        this.#largeRollups.delete(key);
      }
    });
    if (this.#largeRollups.size > LARGE_ROLLUP_ENTRIES) {
      this.#largeRollups.delete(this.#largeRollups.keys().next().value!);
    }
    return rollup;
  }

  async #rollup(
    scope: EntityScope | OrganisationScope,
    days: number,
  ): Promise<ScorecardRollup> {
    const refs = scope.members.map(m => m.entityRef);
    const since = new Date(Date.now() - (days - 1) * DAY_MS)
      .toISOString()
      .slice(0, 10);
    const [stored, history] = await Promise.all([
      this.#store.outcomes(refs),
      this.#store.levelHistory(since, refs),
    ]);
    const levelIds: Array<string | null> = [
      ...this.#levels.map(l => l.id),
      null,
    ];
    const countLevels = (rows: Array<{ level: string | null; n: number }>) =>
      levelIds.map(level => ({
        level,
        components: rows
          .filter(r => r.level === level)
          .reduce((sum, r) => sum + r.n, 0),
      }));
    const checks = this.#checks.map(check => {
      const counts = { pass: 0, fail: 0, notApplicable: 0, excepted: 0 };
      for (const { outcomes } of stored) {
        const outcome = outcomes[check.id];
        if (outcome === 'pass') counts.pass++;
        if (outcome === 'pass-with-exception') counts.excepted++;
        if (outcome === 'fail') counts.fail++;
        if (outcome === 'not-applicable') counts.notApplicable++;
      }
      return { id: check.id, title: check.title, ...counts };
    });
    const historyDays = [...new Set(history.map(h => h.day))];
    const rank = new Map(levelIds.map((level, i) => [level, i]));
    const titles = new Map(scope.members.map(m => [m.entityRef, m.title]));
    const members =
      'entityRef' in scope
        ? [...stored]
            .sort(
              (a, b) =>
                // Below the first level first, then the lowest level.
                (((rank.get(a.level) ?? 0) + 1) % levelIds.length) -
                  (((rank.get(b.level) ?? 0) + 1) % levelIds.length) ||
                a.entityRef.localeCompare(b.entityRef),
            )
            .slice(0, MAX_MEMBERS)
            .map(s => ({
              entityRef: s.entityRef,
              ...(titles.get(s.entityRef)
                ? { title: titles.get(s.entityRef) }
                : {}),
              level: s.level,
              failing: Object.entries(s.outcomes)
                .filter(([, outcome]) => outcome === 'fail')
                .map(([id]) => id),
            }))
        : undefined;
    return {
      entityRef: 'entityRef' in scope ? scope.entityRef : null,
      ...(members ? { members } : {}),
      components: stored.length,
      notEvaluated: refs.length - stored.length,
      levels: countLevels(stored.map(s => ({ level: s.level, n: 1 }))),
      checks,
      history: historyDays.map(day => ({
        day,
        levels: countLevels(
          history
            .filter(h => h.day === day)
            .map(h => ({ level: h.level, n: h.components })),
        ),
      })),
    };
  }
}
