import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { ActionsService } from '@backstage/backend-plugin-api/alpha';
import {
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { EntityCost } from '@paved/plugin-cost-common';
import type { DoraMetrics } from '@paved/plugin-dora-common';
import type { EntityKubeStatus } from '@paved/plugin-kube-status-common';
import type { EntityScorecard } from '@paved/plugin-scorecards-common';
import {
  docsEntityOf,
  PROJECT_SLUG,
  SOURCE_LOCATION,
  SOURCE_TEMPLATE,
  TEMPLATE_VERSION,
} from './annotations';

const HOUR_S = 3600;

/** A part of the briefing another plugin answers, or why it could not. */
type Part<T> = ({ available: true } & T) | { available: false; reason: string };

const hours = (seconds: number | null) =>
  seconds === null ? null : Math.round((seconds / HOUR_S) * 10) / 10;

const related = (entity: Entity, type: string) =>
  (entity.relations ?? []).filter(r => r.type === type).map(r => r.targetRef);

/**
 * The briefing an assistant needs before it touches a service, in one
 * call: who owns it, what it belongs to and talks to, where its docs and
 * code are, its golden path, and how it runs, ships, costs and scores. Each
 * part comes from the plugin that owns it, asked through the actions
 * registry with the caller's credentials — so a part the caller may not
 * read says so instead of answering, exactly as its HTTP route would.
 */
export class ServiceContext {
  readonly #actions: ActionsService;
  readonly #catalog: CatalogService;
  readonly #appBaseUrl: string;

  constructor(options: {
    actions: ActionsService;
    catalog: CatalogService;
    appBaseUrl: string;
  }) {
    this.#actions = options.actions;
    this.#catalog = options.catalog;
    this.#appBaseUrl = options.appBaseUrl.replace(/\/$/, '');
  }

  async #part<T, R>(
    id: string,
    input: Record<string, string>,
    credentials: BackstageCredentials,
    summarise: (output: T) => R,
  ): Promise<Part<R>> {
    try {
      const { output } = await this.#actions.invoke({ id, input, credentials });
      return { available: true, ...summarise(output as T) };
    } catch (error) {
      const { name, message } = error as Error;
      return {
        available: false,
        reason:
          name === 'NotAllowedError'
            ? `not allowed: ${message}`
            : `${name}: ${message}`,
      };
    }
  }

  async of(entityRef: string, credentials: BackstageCredentials) {
    let ref: string;
    try {
      ref = stringifyEntityRef(
        parseEntityRef(entityRef, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        }),
      );
    } catch {
      throw new InputError(`'${entityRef}' is not an entity ref`);
    }
    const entity = await this.#catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${ref}`);
    const annotations = entity.metadata.annotations ?? {};
    const ownerRef = related(entity, 'ownedBy')[0];
    const templateRef = annotations[SOURCE_TEMPLATE];
    const [owner, template, running, delivery, cost, scorecard] =
      await Promise.all([
        ownerRef
          ? this.#catalog.getEntityByRef(ownerRef, { credentials })
          : undefined,
        templateRef
          ? this.#catalog
              .getEntityByRef(
                parseEntityRef(templateRef, {
                  defaultKind: 'template',
                  defaultNamespace: 'default',
                }),
                { credentials },
              )
              .catch(() => undefined)
          : undefined,
        this.#part(
          'kube-status:get-kube-status',
          { entityRef: ref },
          credentials,
          ({ status }: { status: EntityKubeStatus }) => ({
            health: status.health,
            workloads: status.workloads.map(w => ({
              cluster: w.cluster,
              environment: w.environment ?? null,
              namespace: w.namespace,
              kind: w.kind,
              name: w.name,
              health: w.health,
              summary: w.summary,
              replicas: `${w.replicas.ready}/${w.replicas.desired} ready`,
              problems: w.problems.length,
              failingLiveChecks: w.checks
                .filter(c => c.status === 'fail')
                .map(c => c.title),
            })),
          }),
        ),
        this.#part(
          'dora:get-dora-metrics',
          { entityRef: ref },
          credentials,
          ({ metrics }: { metrics: DoraMetrics }) => ({
            window: { from: metrics.from, to: metrics.to },
            environment: metrics.environment,
            deployments: metrics.deploymentFrequency.deployments,
            deploymentsPerDay: metrics.deploymentFrequency.perDay,
            changeLeadTimeHoursP50: hours(metrics.changeLeadTime.p50),
            changeFailRate: metrics.changeFailRate.rate,
            failedDeploymentRecoveryHoursP50: hours(
              metrics.failedDeploymentRecoveryTime.p50,
            ),
            deploymentReworkRate: metrics.deploymentReworkRate.rate,
            bands: {
              deploymentFrequency: metrics.deploymentFrequency.benchmark.band,
              changeLeadTime: metrics.changeLeadTime.benchmark.band,
              changeFailRate: metrics.changeFailRate.benchmark.band,
              failedDeploymentRecoveryTime:
                metrics.failedDeploymentRecoveryTime.benchmark.band,
              deploymentReworkRate: metrics.deploymentReworkRate.benchmark.band,
            },
          }),
        ),
        this.#part(
          'cost:get-entity-cost',
          { entityRef: ref },
          credentials,
          ({ cost: spent }: { cost: EntityCost }) => ({
            window: { from: spent.from, to: spent.to },
            total: Math.round(spent.total * 100) / 100,
            currency: spent.currency,
            monthlyBudget: spent.budget?.monthly ?? null,
          }),
        ),
        this.#part(
          'scorecards:get-scorecard',
          { entityRef: ref },
          credentials,
          ({ scorecard: card }: { scorecard: EntityScorecard }) => ({
            level: card.level,
            nextLevel: card.nextLevel ?? null,
            failing: card.checks
              .filter(c => c.outcome === 'fail')
              .map(c => ({ id: c.id, title: c.title, fix: c.fix })),
          }),
        ),
      ]);
    const docsRef = docsEntityOf(entity);
    const spec = entity.spec ?? {};
    const path = (e: { namespace: string; kind: string; name: string }) =>
      `${e.namespace}/${e.kind}/${e.name}`.toLocaleLowerCase('en-US');
    return {
      entityRef: ref,
      title: entity.metadata.title ?? entity.metadata.name,
      description: entity.metadata.description ?? null,
      type: typeof spec.type === 'string' ? spec.type : null,
      lifecycle: typeof spec.lifecycle === 'string' ? spec.lifecycle : null,
      url: `${this.#appBaseUrl}/catalog/${path(parseEntityRef(ref))}`,
      owner: ownerRef
        ? {
            entityRef: ownerRef,
            title: owner?.metadata.title ?? owner?.metadata.name ?? null,
            email:
              (owner?.spec?.profile as { email?: string } | undefined)?.email ??
              null,
            links: (owner?.metadata.links ?? []).map(l => ({
              title: l.title ?? l.url,
              url: l.url,
            })),
          }
        : null,
      system: related(entity, 'partOf')[0] ?? null,
      providesApis: related(entity, 'providesApi'),
      consumesApis: related(entity, 'consumesApi'),
      dependsOn: related(entity, 'dependsOn'),
      links: (entity.metadata.links ?? []).map(l => ({
        title: l.title ?? l.url,
        url: l.url,
      })),
      repository: {
        githubSlug: annotations[PROJECT_SLUG] ?? null,
        sourceLocation: annotations[SOURCE_LOCATION] ?? null,
      },
      docs: docsRef
        ? {
            entityRef: stringifyEntityRef(docsRef),
            url: `${this.#appBaseUrl}/docs/${path(docsRef)}/`,
            readWith: 'assistant.get-doc-page',
          }
        : null,
      goldenPath: templateRef
        ? {
            template: templateRef,
            version: annotations[TEMPLATE_VERSION] ?? null,
            currentVersion:
              template?.metadata.annotations?.[TEMPLATE_VERSION] ?? null,
          }
        : null,
      running,
      delivery,
      cost,
      scorecard,
    };
  }
}
