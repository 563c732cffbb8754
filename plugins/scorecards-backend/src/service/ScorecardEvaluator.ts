import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { queryAllEntities } from '@paved/catalog-scopes';
import { DefaultApiClient as DoraClient } from '@paved/plugin-dora-common';
import type {
  DeliveryFacts,
  ScorecardCheck,
  ScorecardFacts,
} from '@paved/plugin-scorecards-node';
import type {
  ScorecardStore,
  StoredScorecard,
} from '../database/ScorecardStore';
import type { CampaignStore } from '../database/CampaignStore';
import type {
  ExceptionStore,
  StoredException,
} from '../database/ExceptionStore';
import { isTargeted, stillFailing } from '../checks/campaigns';
import { withExceptions } from '../checks/exceptions';
import { levelOf, type ScorecardLevel } from '../checks/levels';

const TEMPLATE_VERSION = 'paved.dev/template-version';
const DAY_MS = 86_400_000;
/** The kinds a component's spec may name (owner, system, APIs). */
const REFERENCED_KINDS = ['group', 'user', 'system', 'api'];

type EvaluatorOptions = {
  catalog: CatalogService;
  auth: AuthService;
  discovery: DiscoveryService;
  store: ScorecardStore;
  exceptions: ExceptionStore;
  campaigns: CampaignStore;
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
  readonly #dora: DoraClient;
  readonly #store: ScorecardStore;
  readonly #exceptions: ExceptionStore;
  readonly #campaigns: CampaignStore;
  readonly #checks: ScorecardCheck[];
  readonly #levels: ScorecardLevel[];
  readonly #logger: LoggerService;

  static create(options: EvaluatorOptions) {
    return new ScorecardEvaluator(options);
  }

  private constructor(options: EvaluatorOptions) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#dora = new DoraClient({
      discoveryApi: {
        getBaseUrl: pluginId => options.discovery.getBaseUrl(pluginId),
      },
    });
    this.#store = options.store;
    this.#exceptions = options.exceptions;
    this.#campaigns = options.campaigns;
    this.#checks = options.checks;
    this.#levels = options.levels;
    this.#logger = options.logger;
  }

  /** One pass over the whole catalog; answers how many were evaluated. */
  async evaluateAll(now = new Date()): Promise<number> {
    const credentials = await this.#auth.getOwnServiceCredentials();
    const [components, referenced, templates, delivery] = await Promise.all([
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
      this.#delivery(now),
    ]);
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
    };
    // Approved exceptions in force now; those past their expiry were
    // marked expired before this pass (ExceptionNotices.expire).
    const active = await this.#exceptions.active(now);
    const scorecards = components.map(entity =>
      this.#evaluate(
        entity,
        facts,
        now,
        active.get(stringifyEntityRef(entity)),
      ),
    );
    const day = now.toISOString().slice(0, 10);
    await this.#store.replaceAll(day, scorecards);
    const byRef = new Map(scorecards.map(s => [s.entityRef, s]));
    await this.#recordCampaigns(day, now, components, byRef);
    return scorecards.length;
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
              scorecards.get(entityRef)?.checks ?? [],
              campaign.checks,
            ),
          },
        ];
      });
      await this.#campaigns.record(campaign.id, day, targets);
    }
  }

  #evaluate(
    entity: Entity,
    facts: ScorecardFacts,
    now: Date,
    exceptions: Map<string, StoredException> | undefined,
  ): StoredScorecard {
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
    const checks = withExceptions(verdicts, exceptions);
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

  /**
   * Every component's production delivery over the last 30 days, from
   * DORA's breakdown of the organisation; undefined when DORA cannot be
   * read (the delivery checks are then not applicable, not failed).
   */
  async #delivery(now: Date): Promise<Map<string, DeliveryFacts> | undefined> {
    const to = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
    const from = new Date(to.getTime() - 30 * DAY_MS);
    try {
      const { token } = await this.#auth.getPluginRequestToken({
        onBehalfOf: await this.#auth.getOwnServiceCredentials(),
        targetPluginId: 'dora',
      });
      const response = await this.#dora.getBreakdown(
        {
          query: {
            from: from.toISOString(),
            to: to.toISOString(),
            environment: 'production',
          },
        },
        { token },
      );
      if (!response.ok) {
        throw new Error(`DORA answered ${response.status}`);
      }
      const breakdown = await response.json();
      return new Map(
        breakdown.services.map(service => [
          service.entityRef,
          {
            deployments: service.metrics.deploymentFrequency.deployments,
            changeFailRate: service.metrics.changeFailRate.rate,
            changeFailRateBand:
              service.metrics.changeFailRate.benchmark.band ?? null,
          },
        ]),
      );
    } catch (error) {
      this.#logger.warn(
        `Scorecards could not read DORA metrics; delivery checks are not applicable in this pass: ${error}`,
      );
      return undefined;
    }
  }
}
