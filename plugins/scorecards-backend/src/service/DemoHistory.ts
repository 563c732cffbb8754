import { createHash } from 'node:crypto';
import type { AdoptionDay, AdoptionStore } from '../database/AdoptionStore';
import type { PortalUseStore } from '../database/PortalUseStore';
import type { ScorecardStore } from '../database/ScorecardStore';
import { countsAsPassed } from '../database/ScorecardStore';
import type { ScorecardLevel } from '../checks/levels';
import type { PortalVisit } from '../checks/portalUse';
import { weekOf } from '../checks/adoption';
import { versionParts } from '../checks/builtinChecks';
import type { TemplateVersionStore } from '../database/TemplateVersionStore';

const DAY_MS = 86_400_000;

/** A stable number from 0 to `size - 1` for a text. */
function bucket(text: string, size: number): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) % size;
}

/** The version before `version` (1.3.0 → 1.2.0); undefined for 0.0.x. */
function previousVersion(version: string): string | undefined {
  const [major = 0, minor = 0] = versionParts(version) ?? [];
  if (minor > 0) return `${major}.${minor - 1}.0`;
  return major > 0 ? `${major - 1}.0.0` : undefined;
}

/** The pages the demo's people open, most opened first. */
const DEMO_PAGES: PortalVisit[] = [
  { kind: 'page', subject: '/' },
  { kind: 'page', subject: '/catalog/component' },
  { kind: 'page', subject: '/catalog/component/delivery' },
  { kind: 'page', subject: '/catalog/group/scorecards' },
  { kind: 'page', subject: '/catalog/component/cost' },
  { kind: 'page', subject: '/create' },
  { kind: 'docs', subject: 'component:default/checkout-service' },
  { kind: 'docs', subject: 'component:default/payments-gateway' },
  { kind: 'docs', subject: 'component:default/search-service' },
];

/**
 * The local demo's past, made up once from the first evaluation so the
 * trends have something to show: each component climbed to its level
 * today a level at a time over the days, adoption grew to today's, and a
 * growing number of people used the portal each week. Only rows not there
 * yet are added, so a real day is never overwritten; never in production
 * (the config refuses it there).
 */
export class DemoHistory {
  readonly #days: number;
  readonly #levels: ScorecardLevel[];
  readonly #scorecards: ScorecardStore;
  readonly #adoption: AdoptionStore;
  readonly #portalUse: PortalUseStore;
  readonly #versions: TemplateVersionStore;
  #filled = false;

  constructor(options: {
    days: number;
    levels: ScorecardLevel[];
    scorecards: ScorecardStore;
    adoption: AdoptionStore;
    portalUse: PortalUseStore;
    versions: TemplateVersionStore;
  }) {
    this.#days = options.days;
    this.#levels = options.levels;
    this.#scorecards = options.scorecards;
    this.#adoption = options.adoption;
    this.#portalUse = options.portalUse;
    this.#versions = options.versions;
  }

  /** Fills the past once per process, after an evaluation stored today. */
  async fill(now: Date): Promise<void> {
    if (this.#filled || this.#days === 0) return;
    const today = now.toISOString().slice(0, 10);
    const [stored, adoption] = await Promise.all([
      this.#scorecards.scorecards(),
      this.#adoption.history(today),
    ]);
    const latest = adoption.at(-1);
    if (stored.length === 0 || !latest) return;
    this.#filled = true;
    const past = Array.from({ length: this.#days }, (_, i) => ({
      ago: i + 1,
      day: new Date(now.getTime() - (i + 1) * DAY_MS)
        .toISOString()
        .slice(0, 10),
    }));
    await this.#scorecards.backfillHistory(
      past.flatMap(({ ago, day }) =>
        stored.map(s => {
          const steps = this.#stepsBelow(s.entityRef, ago);
          const index = this.#levels.findIndex(l => l.id === s.level);
          const then = Math.max(-1, index - steps);
          const passed = s.checks.filter(countsAsPassed).length;
          const failed = s.checks.filter(c => c.outcome === 'fail').length;
          const climbed = index - then;
          return {
            day,
            entityRef: s.entityRef,
            level: then < 0 ? null : this.#levels[then].id,
            passed: Math.max(0, passed - climbed),
            failed: failed + climbed,
          };
        }),
      ),
    );
    await this.#adoption.backfill(
      past.map(({ ago, day }) => this.#adoptionThen(latest, ago, day)),
    );
    await this.#fillPortalUse(now);
    await this.#fillReleases(now, latest);
  }

  /**
   * Each golden path's current version came out six weeks back (or at the
   * window's start), and the components on it upgraded from the version
   * before over the days after; the next evaluation counts them.
   */
  async #fillReleases(now: Date, latest: AdoptionDay) {
    const releases = (latest.releases ?? []).filter(r => !r.releasedAt);
    if (releases.length === 0) return;
    const seen = await this.#versions.componentVersions(
      releases.map(r => r.templateRef),
    );
    const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const releasedAgo = Math.min(42, this.#days);
    await this.#versions.backdateForDemo(
      releases.flatMap(release => {
        const earlierVersion = previousVersion(release.version);
        if (!earlierVersion) return [];
        return [
          {
            templateRef: release.templateRef,
            version: release.version,
            releasedAt: daysAgo(releasedAgo),
            components: seen
              .filter(
                c =>
                  c.templateRef === release.templateRef &&
                  c.version === release.version,
              )
              .map(c => ({
                entityRef: c.entityRef,
                reachedAt: daysAgo(
                  Math.max(
                    1,
                    releasedAgo -
                      1 -
                      bucket(c.entityRef, Math.max(1, releasedAgo - 1)),
                  ),
                ),
                earlierVersion,
                earlierAt: daysAgo(this.#days),
              })),
          },
        ];
      }),
    );
  }

  /**
   * How many levels below today's a component was `ago` days back: one
   * level per third of the window, at a point of its own within it.
   */
  #stepsBelow(entityRef: string, ago: number): number {
    const span = Math.max(1, Math.floor(this.#days / 3));
    return Math.floor((ago + bucket(entityRef, span)) / span);
  }

  #adoptionThen(latest: AdoptionDay, ago: number, day: string): AdoptionDay {
    const share = (value: number, dropBy: number) =>
      Math.round(value * (1 - (dropBy * ago) / this.#days));
    const components = Math.max(1, share(latest.components, 0.2));
    const onGoldenPath = Math.min(components, share(latest.onGoldenPath, 0.6));
    return {
      day,
      components,
      onGoldenPath,
      onCurrentVersion: Math.min(
        onGoldenPath,
        share(latest.onCurrentVersion, 0.8),
      ),
      teams: latest.teams,
      teamsOnGoldenPath: share(latest.teamsOnGoldenPath, 0.5),
      templateRuns: null,
    };
  }

  /** Twelve weeks of people using the portal, more each week. */
  async #fillPortalUse(now: Date) {
    const weeks = Math.min(12, Math.ceil(this.#days / 7));
    for (let w = weeks; w >= 1; w--) {
      const at = new Date(now.getTime() - w * 7 * DAY_MS);
      const day = at.toISOString().slice(0, 10);
      const people = 6 + (weeks - w);
      for (let p = 0; p < people; p++) {
        const userKey = createHash('sha256')
          .update(`paved-demo-person-${p}`)
          .digest('hex');
        // Everyone opens the home page; fewer go further down the list.
        const pages = DEMO_PAGES.filter(
          (_, i) => i === 0 || bucket(`${p}:${w}:${i}`, DEMO_PAGES.length) >= i,
        );
        await this.#portalUse.record(day, weekOf(at), userKey, pages);
      }
    }
  }
}
