import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { queryAllEntities } from '@paved/catalog-scopes';
import type {
  ScorecardCheck,
  ScorecardFacts,
} from '@paved/plugin-scorecards-node';
import type {
  ScorecardStore,
  StoredScorecard,
} from '../database/ScorecardStore';
import type {
  AdoptionStore,
  FirstDeployments,
} from '../database/AdoptionStore';
import type { CampaignStore } from '../database/CampaignStore';
import {
  adoptionOf,
  countTemplateRuns,
  newServices,
  summariseFirstDeployments,
  type TemplateRun,
} from '../checks/adoption';
import { docsEntityRef } from '../checks/builtinChecks';
import { isTargeted, stillFailing, templateOf } from '../checks/campaigns';
import type { TemplateRelease } from '@paved/plugin-scorecards-common';
import { summariseReleases } from '../checks/releases';
import type { TemplateVersionStore } from '../database/TemplateVersionStore';
import { withExceptions } from '../checks/exceptions';
import { levelOf, type ScorecardLevel } from '../checks/levels';
import type { FactSources } from './FactSources';

const TEMPLATE_VERSION = 'paved.dev/template-version';
const DAY_MS = 86_400_000;
/** Components evaluated between two turns given to waiting requests. */
const YIELD_EVERY = 200;
const yieldToReads = () => new Promise<void>(resolve => setImmediate(resolve));
/** The kinds a component's spec may name (owner, system, APIs). */
const REFERENCED_KINDS = ['group', 'user', 'system', 'api'];

type EvaluatorOptions = {
  catalog: CatalogService;
  auth: AuthService;
  sources: FactSources;
  store: ScorecardStore;
  campaigns: CampaignStore;
  adoption: AdoptionStore;
  versions: TemplateVersionStore;
  checks: ScorecardCheck[];
  levels: ScorecardLevel[];
  logger: LoggerService;
};

/**
 * Evaluates every component of the catalog against every check, from facts
 * gathered once per pass (the catalog in a few paged reads, DORA's
 * every-component breakdown in one), and stores the results with today's
 * history. Runs as the plugin itself, so results do not depend on who
 * looks; reads then apply the reader's catalog rules.
 */
export class ScorecardEvaluator {
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #sources: FactSources;
  readonly #store: ScorecardStore;
  readonly #campaigns: CampaignStore;
  readonly #adoption: AdoptionStore;
  readonly #versions: TemplateVersionStore;
  readonly #checks: ScorecardCheck[];
  readonly #levels: ScorecardLevel[];
  readonly #logger: LoggerService;

  static create(options: EvaluatorOptions) {
    return new ScorecardEvaluator(options);
  }

  private constructor(options: EvaluatorOptions) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#sources = options.sources;
    this.#store = options.store;
    this.#campaigns = options.campaigns;
    this.#adoption = options.adoption;
    this.#versions = options.versions;
    this.#checks = options.checks;
    this.#levels = options.levels;
    this.#logger = options.logger;
  }

  /** One pass over the whole catalog; answers how many were evaluated. */
  async evaluateAll(now = new Date()): Promise<number> {
    const credentials = await this.#auth.getOwnServiceCredentials();
    const [
      components,
      referenced,
      templates,
      delivery,
      templateRuns,
      liveWorkloads,
      costs,
    ] = await Promise.all([
      queryAllEntities(
        this.#catalog,
        { kind: 'component' },
        {
          fields: ['kind', 'metadata', 'spec', 'relations'],
          credentials,
        },
      ),
      queryAllEntities(
        this.#catalog,
        { kind: { $in: REFERENCED_KINDS } },
        {
          fields: ['kind', 'metadata.name', 'metadata.namespace'],
          credentials,
        },
      ),
      queryAllEntities(
        this.#catalog,
        { kind: 'template' },
        {
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.annotations',
          ],
          credentials,
        },
      ),
      this.#sources.delivery(now),
      this.#sources.templateRuns(now),
      this.#sources.liveWorkloads(),
      this.#sources.costs(now),
    ]);
    const docs = await this.#sources.docs(
      components.flatMap(e => docsEntityRef(e) ?? []),
    );
    const known = new Set(
      [...components, ...referenced].map(e => stringifyEntityRef(e)),
    );
    const templateVersions = new Map(
      templates.map(t => [
        stringifyEntityRef(t),
        t.metadata.annotations?.[TEMPLATE_VERSION],
      ]),
    );
    const facts: ScorecardFacts = {
      hasEntity: ref => known.has(ref),
      templateVersion: ref => templateVersions.get(ref),
      delivery: ref =>
        delivery
          ? delivery.get(ref) ?? {
              deployments: 0,
              changeFailRate: null,
              changeFailRateBand: null,
            }
          : undefined,
      liveWorkloads: ref => liveWorkloads?.(ref),
      cost: ref => costs?.(ref),
      docs: ref => docs?.get(ref),
    };
    const evaluated: StoredScorecard[] = [];
    for (const [i, entity] of components.entries()) {
      // Checks run synchronously: every so many components the pass lets
      // the reads waiting on this process's event loop go first.
      if (i > 0 && i % YIELD_EVERY === 0) await yieldToReads();
      evaluated.push(this.#evaluate(entity, facts, now));
    }
    const day = now.toISOString().slice(0, 10);
    // The approved exceptions in force are applied as the results are
    // written, in the same transaction (see replaceAll).
    const scorecards = await this.#store.replaceAll(day, evaluated, {
      now,
      apply: (scorecard, active) => {
        const checks = withExceptions(scorecard.checks, active);
        return {
          ...scorecard,
          checks,
          level: levelOf(
            this.#levels,
            new Map(checks.map(c => [c.id, c.outcome])),
          ).level,
        };
      },
    });
    const byRef = new Map(scorecards.map(s => [s.entityRef, s]));
    await this.#recordCampaigns(day, now, components, byRef);
    const templateRefs = new Set(
      [...templateVersions.keys()].map(ref => ref.toLocaleLowerCase('en-US')),
    );
    await this.#adoption.record(
      adoptionOf(
        day,
        components,
        byRef,
        ref => templateRefs.has(ref),
        templateRuns && {
          ...countTemplateRuns(templateRuns, now),
          firstDeployments: await this.#firstDeployments(
            templateRuns,
            components,
            now,
          ),
        },
        await this.#releases(now, components, templateVersions),
      ),
    );
    return scorecards.length;
  }

  /**
   * Records the golden paths' versions this pass saw, and answers each
   * one's current release with how its components took it up.
   */
  async #releases(
    now: Date,
    components: Entity[],
    templateVersions: Map<string, string | undefined>,
  ): Promise<TemplateRelease[]> {
    const current = new Map(
      [...templateVersions].flatMap(([ref, version]) =>
        version ? [[ref.toLocaleLowerCase('en-US'), version] as const] : [],
      ),
    );
    const onPaths = components.flatMap(entity => {
      const templateRef = templateOf(entity);
      if (!templateRef || !current.has(templateRef)) return [];
      const version = entity.metadata.annotations?.[TEMPLATE_VERSION];
      return [
        {
          entityRef: stringifyEntityRef(entity),
          templateRef,
          ...(version ? { version: version.slice(0, 64) } : {}),
        },
      ];
    });
    await this.#versions.record(
      now,
      [...current].map(([templateRef, version]) => ({
        templateRef,
        version: version.slice(0, 64),
      })),
      onPaths.flatMap(c => (c.version ? [{ ...c, version: c.version }] : [])),
    );
    const refs = [...current.keys()];
    const [releases, seen] = await Promise.all([
      this.#versions.releases(refs),
      this.#versions.componentVersions(refs),
    ]);
    return summariseReleases(current, onPaths, releases, seen);
  }

  /**
   * How soon the services golden paths created reached production: each
   * one's first production deployment since its template run, from DORA
   * (four read at once); null when DORA could not be read for one of them.
   */
  async #firstDeployments(
    runs: TemplateRun[],
    components: Entity[],
    now: Date,
  ): Promise<FirstDeployments | null> {
    const queue = newServices(runs, components);
    const followed: Array<{ createdAt: Date; firstDeployment: Date | null }> =
      [];
    let unreadable = false;
    const worker = async () => {
      for (
        let next = queue.shift();
        next && !unreadable;
        next = queue.shift()
      ) {
        const firstDeployment = await this.#sources.firstProductionDeployment(
          next.entityRef,
          next.createdAt,
          now,
        );
        if (firstDeployment === undefined) unreadable = true;
        else followed.push({ createdAt: next.createdAt, firstDeployment });
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return unreadable ? null : summariseFirstDeployments(followed);
  }

  /**
   * One campaign's targets and progress from the stored results, right
   * after it starts, so its page does not wait for the next pass.
   */
  async recordCampaign(campaignId: string, now = new Date()) {
    const credentials = await this.#auth.getOwnServiceCredentials();
    const components = await queryAllEntities(
      this.#catalog,
      { kind: 'component' },
      { fields: ['kind', 'metadata', 'spec', 'relations'], credentials },
    );
    const stored = await this.#store.scorecards();
    await this.#recordCampaigns(
      now.toISOString().slice(0, 10),
      now,
      components,
      new Map(stored.map(s => [s.entityRef, s])),
      campaignId,
    );
  }

  /**
   * Each campaign's targets and progress from this pass: campaigns whose
   * deadline is at most 90 days past keep their burn-up going. A component
   * not evaluated yet has every asked check still to pass.
   */
  async #recordCampaigns(
    day: string,
    now: Date,
    components: Entity[],
    scorecards: Map<string, StoredScorecard>,
    onlyId?: string,
  ) {
    const campaigns = await this.#campaigns.list({
      since: new Date(now.getTime() - 90 * DAY_MS),
    });
    for (const campaign of campaigns) {
      if (onlyId && campaign.id !== onlyId) continue;
      const targets = components.flatMap(entity => {
        if (!isTargeted(entity, campaign.target)) return [];
        const entityRef = stringifyEntityRef(entity);
        return [
          {
            entityRef,
            failing: stillFailing(
              entity,
              scorecards.get(entityRef)?.checks ?? [],
              campaign,
            ),
          },
        ];
      });
      try {
        await this.#campaigns.record(campaign.id, day, targets);
      } catch (error) {
        // One campaign's write must not stop the others or the adoption.
        this.#logger.warn(
          `Scorecards could not record campaign ${campaign.id}: ${error}`,
        );
      }
    }
  }

  #evaluate(entity: Entity, facts: ScorecardFacts, now: Date): StoredScorecard {
    const verdicts = this.#checks.map(check => {
      try {
        return { id: check.id, ...check.evaluate(entity, facts) };
      } catch (error) {
        // One broken check (an adopter's) must not stop the others.
        return {
          id: check.id,
          outcome: 'not-applicable' as const,
          evidence: `The check failed to run: ${String(error).slice(0, 200)}`,
        };
      }
    });
    const checks = verdicts;
    const { level } = levelOf(
      this.#levels,
      new Map(checks.map(c => [c.id, c.outcome])),
    );
    return {
      entityRef: stringifyEntityRef(entity),
      level,
      checks,
      evaluatedAt: now,
    };
  }
}
