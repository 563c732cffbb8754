import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { CatalogScopeResolver } from '@paved/catalog-scopes';
import type { ScorecardCheck } from '@paved/plugin-scorecards-node';
import type {
  CampaignStore,
  CampaignTarget,
  StoredCampaign,
} from '../database/CampaignStore';
import { TEMPLATE_VERSION_ITEM } from '../checks/campaigns';
import { endOfDayOrTime, latestAllowed } from './dates';
import { deliver, scorecardLink } from './notices';
import { signedInUser } from './principal';
import type { UpgradeRun, UpgradeRuns } from './UpgradeRuns';

const DAY_MS = 86_400_000;
/** The furthest a deadline may be set. */
const MAX_DEADLINE_DAYS = 731;
/** The most targets a campaign's page lists. */
const MAX_LISTED_TARGETS = 500;
/** The topic users switch campaign notices off by. */
export const CAMPAIGNS_TOPIC = 'scorecards-campaigns';

const day = (date: Date) => date.toISOString().slice(0, 10);

/** A campaign as the API shows it. */
export type CampaignView = {
  id: string;
  title: string;
  description: string;
  checks: Array<{ id: string; title: string; fix: string }>;
  target: CampaignTarget;
  upgradeTo: string | null;
  deadline: string;
  createdBy: string;
  createdAt: string;
  targeted: number;
  done: number;
};

type ServiceOptions = {
  store: CampaignStore;
  catalog: CatalogService;
  checks: ScorecardCheck[];
  notifications: NotificationService;
  logger: LoggerService;
  /** Records a new campaign's targets from the stored results (the evaluator's). */
  recordNow?: (campaignId: string) => Promise<void>;
  /** Finds the upgrade runs of targets that still owe a template upgrade. */
  upgradeRuns?: UpgradeRuns;
};

/**
 * Campaigns: a platform admin asks the components a catalog filter picks
 * to pass some checks by a deadline; every evaluation records who is done
 * (so the burn-up is real); owners of those not done are reminded a week
 * before and at the deadline.
 */
export class CampaignService {
  readonly #store: CampaignStore;
  readonly #catalog: CatalogService;
  readonly #scopes: CatalogScopeResolver;
  readonly #checks: Map<string, ScorecardCheck>;
  readonly #notifications: NotificationService;
  readonly #logger: LoggerService;
  readonly #recordNow?: (campaignId: string) => Promise<void>;
  readonly #upgradeRuns?: UpgradeRuns;

  static create(options: ServiceOptions) {
    return new CampaignService(options);
  }

  private constructor(options: ServiceOptions) {
    this.#store = options.store;
    this.#catalog = options.catalog;
    this.#scopes = CatalogScopeResolver.create({ catalog: options.catalog });
    this.#checks = new Map(options.checks.map(c => [c.id, c]));
    this.#notifications = options.notifications;
    this.#logger = options.logger;
    this.#recordNow = options.recordNow;
    this.#upgradeRuns = options.upgradeRuns;
  }

  /**
   * The latest upgrade run of each target that still owes its campaign's
   * template upgrade, read with the caller's credentials.
   */
  async #upgradesOf(
    targets: Array<{ entityRef: string; failing: string[] }>,
    credentials: BackstageCredentials,
  ): Promise<Map<string, UpgradeRun>> {
    const owing = targets
      .filter(t => t.failing.includes(TEMPLATE_VERSION_ITEM))
      .map(t => t.entityRef);
    if (!this.#upgradeRuns || owing.length === 0) return new Map();
    return this.#upgradeRuns.latest(owing, credentials);
  }

  /** Starts a campaign; its targets appear with the next evaluation. */
  async start(
    input: {
      title: string;
      description?: string;
      checkIds: string[];
      target?: CampaignTarget;
      upgradeTo?: string;
      deadline: string;
    },
    credentials: BackstageCredentials,
    now = new Date(),
  ): Promise<{ campaign: CampaignView; created: boolean }> {
    const createdBy = signedInUser(
      credentials,
      'Campaigns are started by signed-in users',
    );
    const title = input.title.trim();
    if (title.length < 3) {
      throw new InputError('title must be at least 3 characters');
    }
    const unknown = input.checkIds.filter(id => !this.#checks.has(id));
    if (unknown.length > 0) {
      throw new InputError(
        `checkIds names unknown check(s) ${unknown.join(', ')}; known: ${[
          ...this.#checks.keys(),
        ].join(', ')}`,
      );
    }
    const deadline = endOfDayOrTime(input.deadline);
    if (!deadline) {
      throw new InputError(
        `deadline must be a date, e.g. 2027-03-31, not ${input.deadline}`,
      );
    }
    if (deadline.getTime() <= now.getTime()) {
      throw new InputError('deadline must be in the future');
    }
    if (deadline.getTime() > latestAllowed(now, MAX_DEADLINE_DAYS).getTime()) {
      throw new InputError(
        `deadline may be at most ${MAX_DEADLINE_DAYS} days ahead`,
      );
    }
    const target = normaliseTarget(input.target ?? {});
    const upgradeTo = input.upgradeTo?.trim() || null;
    if (upgradeTo) {
      await this.#requireTemplate(target.template, credentials);
    } else if (input.checkIds.length === 0) {
      throw new InputError(
        'checkIds must name at least one check, or upgradeTo a template version',
      );
    }
    const { campaign, created } = await this.#store.start({
      title,
      description: input.description?.trim() ?? '',
      checks: [...new Set(input.checkIds)],
      target,
      upgradeTo,
      deadline,
      createdBy,
      now,
    });
    if (created && this.#recordNow) {
      // In the background: the answer does not wait for the catalog read;
      // the next scheduled pass records it anyway.
      this.#recordNow(campaign.id).catch(error =>
        this.#logger.warn(
          `Could not record the targets of campaign ${campaign.id} at its start: ${error}`,
        ),
      );
    }
    return { campaign: this.#view(campaign), created };
  }

  /** A template upgrade names a template the caller can see in the catalog. */
  async #requireTemplate(
    template: string | undefined,
    credentials: BackstageCredentials,
  ) {
    if (!template) {
      throw new InputError(
        'upgradeTo needs target.template: the template whose version is asked for',
      );
    }
    const entity = await this.#catalog.getEntityByRef(template, {
      credentials,
    });
    if (!entity || entity.kind.toLocaleLowerCase('en-US') !== 'template') {
      throw new InputError(
        `target.template: ${template} is not a template in the catalog`,
      );
    }
  }

  /** Every campaign, the nearest deadline first. */
  async list(): Promise<{ campaigns: CampaignView[] }> {
    const campaigns = await this.#store.list();
    return { campaigns: campaigns.map(c => this.#view(c)) };
  }

  /**
   * A campaign with its burn-up and its targets the caller can see, those
   * not done first (at most 500).
   */
  async detail(id: string, credentials: BackstageCredentials) {
    const campaign = await this.#store.get(id);
    if (!campaign) throw new NotFoundError(`No campaign ${id}`);
    const [targets, progress] = await Promise.all([
      this.#store.targets({ campaignId: id }),
      this.#store.progress(id),
    ]);
    const ordered = [...targets]
      .sort(
        (a, b) =>
          Number(a.done) - Number(b.done) ||
          a.entityRef.localeCompare(b.entityRef),
      )
      .slice(0, MAX_LISTED_TARGETS);
    const { items } = ordered.length
      ? await this.#catalog.getEntitiesByRefs(
          {
            entityRefs: ordered.map(t => t.entityRef),
            fields: ['kind', 'metadata.name', 'metadata.title', 'relations'],
          },
          { credentials },
        )
      : { items: [] };
    const upgrades = await this.#upgradesOf(
      ordered.filter((_, i) => items[i]),
      credentials,
    );
    return {
      ...this.#view(campaign),
      progress,
      targets: ordered.flatMap((target, i) => {
        const entity = items[i];
        if (!entity) return [];
        const owner = entity.relations?.find(
          r => r.type === 'ownedBy',
        )?.targetRef;
        return [
          {
            entityRef: target.entityRef,
            ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
            ...(owner ? { owner } : {}),
            done: target.done,
            failing: target.failing,
            ...(upgrades.has(target.entityRef)
              ? { upgrade: upgrades.get(target.entityRef) }
              : {}),
          },
        ];
      }),
    };
  }

  /** The campaigns a component is in, with what it still has to do. */
  async ofEntity(entityRef: string, credentials: BackstageCredentials) {
    const scope = await this.#scopes.resolve(entityRef, {
      credentials,
      kinds: ['component'],
    });
    const targets = await this.#store.targets({ entityRef: scope.entityRef });
    const campaigns = await Promise.all(
      targets.map(t => this.#store.get(t.campaignId)),
    );
    const upgrades = await this.#upgradesOf(
      targets.filter((_, i) => campaigns[i]?.upgradeTo),
      credentials,
    );
    const upgrade = upgrades.get(scope.entityRef);
    return {
      campaigns: targets.flatMap((target, i) => {
        const campaign = campaigns[i];
        return campaign
          ? [
              {
                ...this.#view(campaign),
                failing: target.failing,
                ...(upgrade && target.failing.includes(TEMPLATE_VERSION_ITEM)
                  ? { upgrade }
                  : {}),
              },
            ]
          : [];
      }),
    };
  }

  /**
   * Reminds the owners of the targets not done, a week before the
   * deadline and at it, once each across replicas. Answers how many
   * reminders went out.
   */
  async remind(now: Date): Promise<number> {
    let sent = 0;
    for (const campaign of await this.#store.list({ since: now })) {
      const left = campaign.deadline.getTime() - now.getTime();
      if (left > 7 * DAY_MS) continue;
      if (await this.#store.claimReminder(campaign.id, 1)) {
        await this.#remindTargets(campaign, 'week');
        sent++;
      }
    }
    for (const campaign of await this.#store.list({
      since: new Date(now.getTime() - 7 * DAY_MS),
    })) {
      if (campaign.deadline.getTime() > now.getTime()) continue;
      if (await this.#store.claimReminder(campaign.id, 2)) {
        await this.#remindTargets(campaign, 'due');
        sent++;
      }
    }
    return sent;
  }

  async #remindTargets(campaign: StoredCampaign, stage: 'week' | 'due') {
    const open = (await this.#store.targets({ campaignId: campaign.id }))
      .filter(t => !t.done)
      .map(t => t.entityRef);
    const checks = this.#asked(campaign)
      .map(item => item.title)
      .join(', ');
    // One notice per component, so each links to its own scorecard.
    for (const entityRef of open) {
      await deliver(this.#notifications, this.#logger, {
        entityRefs: [entityRef],
        title:
          stage === 'week'
            ? `${campaign.title}: due ${day(campaign.deadline)}`
            : `${campaign.title}: the deadline has passed`,
        description: `${parseEntityRef(entityRef).name} still fails ${checks}${
          stage === 'week'
            ? `; the campaign ends on ${day(campaign.deadline)}.`
            : '.'
        } The scorecard says how to fix each.`,
        severity: 'high',
        link: scorecardLink(entityRef),
        topic: CAMPAIGNS_TOPIC,
        scope: `scorecards-campaign:${campaign.id}:${stage}:${entityRef}`,
      });
    }
  }

  /** What a campaign asks: its checks, then its template upgrade. */
  #asked(campaign: StoredCampaign): CampaignView['checks'] {
    const checks = campaign.checks.map(id => ({
      id,
      title: this.#checks.get(id)?.title ?? id,
      fix: this.#checks.get(id)?.fix ?? '',
    }));
    if (!campaign.upgradeTo) return checks;
    return [
      ...checks,
      {
        id: TEMPLATE_VERSION_ITEM,
        title: `Upgrade to ${campaign.target.template} ${campaign.upgradeTo}`,
        fix: 'Run the upgrade template for the component (Golden paths page → Upgrade): it opens a pull request that merges the new version of the golden path; review and merge it.',
      },
    ];
  }

  #view(campaign: StoredCampaign): CampaignView {
    return {
      id: campaign.id,
      title: campaign.title,
      description: campaign.description,
      checks: this.#asked(campaign),
      target: campaign.target,
      upgradeTo: campaign.upgradeTo,
      deadline: campaign.deadline.toISOString(),
      createdBy: campaign.createdBy,
      createdAt: campaign.createdAt.toISOString(),
      targeted: campaign.targeted,
      done: campaign.done,
    };
  }
}

/** Full, lower-case refs for owners and systems; trimmed, de-duplicated lists. */
function normaliseTarget(target: CampaignTarget): CampaignTarget {
  const refs = (
    values: string[] | undefined,
    defaultKind: string,
    name: string,
  ) =>
    values?.length
      ? [
          ...new Set(
            values.map(value => {
              try {
                return stringifyEntityRef(
                  parseEntityRef(value.trim(), { defaultKind }),
                ).toLocaleLowerCase('en-US');
              } catch {
                throw new InputError(
                  `target.${name}: '${value}' is not an entity ref`,
                );
              }
            }),
          ),
        ]
      : undefined;
  const words = (values: string[] | undefined) =>
    values?.length
      ? [...new Set(values.map(v => v.trim().toLocaleLowerCase('en-US')))]
      : undefined;
  const normal: CampaignTarget = {
    owners: refs(target.owners, 'group', 'owners'),
    systems: refs(target.systems, 'system', 'systems'),
    types: words(target.types),
    lifecycles: words(target.lifecycles),
    template: target.template
      ? refs([target.template], 'template', 'template')?.[0]
      : undefined,
  };
  return Object.fromEntries(
    Object.entries(normal).filter(([, v]) => v !== undefined),
  ) as CampaignTarget;
}
