import type {
  AuthService,
  DiscoveryService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { PublisherBase } from '@backstage/plugin-techdocs-node';
import { DefaultApiClient as CostClient } from '@paved/plugin-cost-common';
import { DefaultApiClient as DoraClient } from '@paved/plugin-dora-common';
import { DefaultApiClient as KubeStatusClient } from '@paved/plugin-kube-status-common';
import type {
  CostFacts,
  DeliveryFacts,
  DocsFacts,
  LiveWorkloadFacts,
} from '@paved/plugin-scorecards-node';
import type { TemplateRun } from '../checks/adoption';

const DAY_MS = 86_400_000;
/** How many TechDocs sites are read at once, and for how long in all. */
const DOCS_CONCURRENCY = 16;
const DOCS_DEADLINE_MS = 30_000;
/** How long one read of another plugin may take before the pass moves on. */
const READ_TIMEOUT_MS = 15_000;

/** The last 30 whole days before `now` (UTC). */
export function last30Days(now: Date): { from: Date; to: Date } {
  const to = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  return { from: new Date(to.getTime() - 30 * DAY_MS), to };
}

/**
 * Where the checks' facts come from: the other plugins' organisation-wide
 * reads (one request each per pass, as the scorecards plugin itself) and
 * the TechDocs storage. Each answers undefined or null when its source
 * cannot be read, so the checks that need it are not applicable in that
 * pass rather than failed.
 */
export class FactSources {
  readonly #auth: AuthService;
  readonly #discovery: DiscoveryService;
  readonly #logger: LoggerService;
  readonly #dora: DoraClient;
  readonly #kubeStatus: KubeStatusClient;
  readonly #cost: CostClient;
  readonly #docsPublisher: () => Promise<PublisherBase>;
  /** Made on the first pass that reads docs, again after a failure. */
  #publisher?: Promise<PublisherBase>;
  readonly #docsBuiltOnFirstView: boolean;

  static create(options: {
    auth: AuthService;
    discovery: DiscoveryService;
    logger: LoggerService;
    config: RootConfigService;
    /** Makes the TechDocs storage's client, as TechDocs is configured. */
    docsPublisher: () => Promise<PublisherBase>;
  }) {
    return new FactSources(options);
  }

  private constructor(options: {
    auth: AuthService;
    discovery: DiscoveryService;
    logger: LoggerService;
    config: RootConfigService;
    docsPublisher: () => Promise<PublisherBase>;
  }) {
    this.#auth = options.auth;
    this.#discovery = options.discovery;
    this.#logger = options.logger;
    const discoveryApi = {
      getBaseUrl: (pluginId: string) => options.discovery.getBaseUrl(pluginId),
    };
    this.#dora = new DoraClient({ discoveryApi });
    this.#kubeStatus = new KubeStatusClient({ discoveryApi });
    this.#cost = new CostClient({ discoveryApi });
    this.#docsPublisher = options.docsPublisher;
    this.#docsBuiltOnFirstView =
      (options.config.getOptionalString('techdocs.builder') ?? 'local') ===
      'local';
  }

  async #token(targetPluginId: string) {
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId,
    });
    return token;
  }

  /**
   * Every component's production delivery over the last 30 days, from
   * DORA's breakdown of the organisation.
   */
  async delivery(now: Date): Promise<Map<string, DeliveryFacts> | undefined> {
    const { from, to } = last30Days(now);
    try {
      const response = await this.#dora.getBreakdown(
        {
          query: {
            from: from.toISOString(),
            to: to.toISOString(),
            environment: 'production',
          },
        },
        { token: await this.#token('dora') },
      );
      if (!response.ok) throw new Error(`DORA answered ${response.status}`);
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

  /** Every component's production workloads with the live checks they fail. */
  async liveWorkloads(): Promise<
    ((ref: string) => LiveWorkloadFacts) | undefined
  > {
    try {
      const response = await this.#kubeStatus.getComponentsLiveChecks(
        { query: { environment: 'production' } },
        { token: await this.#token('kube-status') },
      );
      if (!response.ok) {
        throw new Error(`Kubernetes status answered ${response.status}`);
      }
      const body = await response.json();
      const unsyncedClusters = body.clusters
        .filter(cluster => cluster.state !== 'synced')
        .map(cluster => cluster.cluster);
      const byRef = new Map<string, LiveWorkloadFacts>(
        body.components.map(component => [
          component.entityRef,
          {
            workloads: component.workloads.map(w => ({
              workload: `${w.cluster}/${w.namespace}/${w.kind}/${w.name}`,
              failing: w.failing,
            })),
            unsyncedClusters,
          },
        ]),
      );
      // A component the answer leaves out runs nothing in production.
      return ref => byRef.get(ref) ?? { workloads: [], unsyncedClusters };
    } catch (error) {
      this.#logger.warn(
        `Scorecards could not read Kubernetes status; the live-checks check is not applicable in this pass: ${error}`,
      );
      return undefined;
    }
  }

  /** Every component's cost over the last 30 days, with its budget. */
  async costs(now: Date): Promise<((ref: string) => CostFacts) | undefined> {
    const { from, to } = last30Days(now);
    try {
      const response = await this.#cost.getComponentCosts(
        {
          query: {
            from: from.toISOString().slice(0, 10),
            to: to.toISOString().slice(0, 10),
          },
        },
        { token: await this.#token('cost') },
      );
      if (!response.ok) throw new Error(`Cost answered ${response.status}`);
      const body = await response.json();
      if (!body.components.some(c => c.total > 0)) {
        // No cost at all for the window: the sources have not reported
        // yet (a new install, a first pull still running) or none is
        // connected; that says nothing about any one component.
        throw new Error('no cost was allocated to any component in 30 days');
      }
      const byRef = new Map(body.components.map(c => [c.entityRef, c]));
      // A component the answer leaves out has no cost and no budget.
      return ref => {
        const component = byRef.get(ref);
        return {
          total: component?.total ?? 0,
          currency: body.currency,
          ...(component?.budget
            ? { monthlyBudget: component.budget.monthly }
            : {}),
        };
      };
    } catch (error) {
      this.#logger.warn(
        `Scorecards could not read cost; the cost check is not applicable in this pass: ${error}`,
      );
      return undefined;
    }
  }

  /**
   * The published TechDocs of each entity (16 read at once, 30 s in all;
   * an entity not read by then has no facts in this pass); undefined when
   * the storage is not available.
   */
  async docs(
    entityRefs: string[],
  ): Promise<Map<string, DocsFacts | undefined> | undefined> {
    let publisher: PublisherBase;
    try {
      this.#publisher ??= this.#docsPublisher();
      publisher = await this.#publisher.catch(error => {
        this.#publisher = undefined;
        throw error;
      });
      const { isAvailable } = await publisher.getReadiness();
      if (!isAvailable) throw new Error('the TechDocs storage is not ready');
    } catch (error) {
      this.#logger.warn(
        `Scorecards could not read the TechDocs storage; the techdocs-build check is not applicable in this pass: ${error}`,
      );
      return undefined;
    }
    const deadline = Date.now() + DOCS_DEADLINE_MS;
    const docs = new Map<string, DocsFacts | undefined>();
    const queue = [...new Set(entityRefs)];
    const worker = async () => {
      for (let ref = queue.shift(); ref; ref = queue.shift()) {
        if (Date.now() > deadline) return;
        docs.set(ref, await this.#publishedDocs(publisher, ref));
      }
    };
    await Promise.all(Array.from({ length: DOCS_CONCURRENCY }, worker));
    return docs;
  }

  async #publishedDocs(
    publisher: PublisherBase,
    entityRef: string,
  ): Promise<DocsFacts> {
    try {
      const metadata = await publisher.fetchTechDocsMetadata(
        parseEntityRef(entityRef),
      );
      const builtAt = new Date(metadata.build_timestamp);
      return {
        builtOnFirstView: this.#docsBuiltOnFirstView,
        ...(Number.isNaN(builtAt.getTime()) ? {} : { builtAt }),
      };
    } catch {
      // The storage answered (it is ready) but has no site for it.
      return { builtOnFirstView: this.#docsBuiltOnFirstView };
    }
  }

  /**
   * When a component first deployed to production at or after `since`:
   * the oldest of its production deployments (pages of 500, at most
   * 2,000); null when it has none; undefined when DORA cannot be read or
   * it has more than that.
   */
  async firstProductionDeployment(
    entityRef: string,
    since: Date,
    now: Date,
  ): Promise<Date | null | undefined> {
    try {
      const token = await this.#token('dora');
      let cursor: string | undefined;
      for (let page = 0; page < 4; page++) {
        const response = await this.#dora.getDeployments(
          {
            query: {
              entityRef,
              from: since.toISOString(),
              to: now.toISOString(),
              environment: 'production',
              limit: 500,
              ...(cursor ? { cursor } : {}),
            },
          },
          { token },
        );
        if (!response.ok) throw new Error(`DORA answered ${response.status}`);
        const body = await response.json();
        cursor = body.nextCursor;
        if (!cursor) {
          const oldest = body.items.at(-1);
          return oldest ? new Date(oldest.finishedAt) : null;
        }
      }
      return undefined;
    } catch (error) {
      this.#logger.warn(
        `Scorecards could not read the first deployment of ${entityRef}: ${error}`,
      );
      return undefined;
    }
  }

  /**
   * The scaffolder's template runs of the last twelve weeks, newest first
   * in pages of 500 (at most 5,000 runs); null when the scaffolder cannot
   * be read (adoption then shows no runs for the day, not zero).
   */
  async templateRuns(now: Date): Promise<TemplateRun[] | null> {
    const since = now.getTime() - 12 * 7 * DAY_MS;
    try {
      const baseUrl = await this.#discovery.getBaseUrl('scaffolder');
      const token = await this.#token('scaffolder');
      const tasks: TemplateRun[] = [];
      for (let offset = 0; offset < 5000; offset += 500) {
        const response = await fetch(
          `${baseUrl}/v2/tasks?order=desc:created_at&limit=500&offset=${offset}`,
          {
            headers: { authorization: `Bearer ${token}` },
            // A scaffolder that hangs must not hold the pass.
            signal: AbortSignal.timeout(READ_TIMEOUT_MS),
          },
        );
        if (!response.ok) {
          throw new Error(`the scaffolder answered ${response.status}`);
        }
        const page = (await response.json()) as {
          tasks: Array<{
            createdAt: string;
            status?: string;
            spec?: {
              templateInfo?: { entityRef?: string };
              parameters?: { name?: unknown };
            };
          }>;
        };
        for (const task of page.tasks) {
          const name = task.spec?.parameters?.name;
          tasks.push({
            createdAt: task.createdAt,
            templateRef: task.spec?.templateInfo?.entityRef,
            status: task.status,
            ...(typeof name === 'string' ? { componentName: name } : {}),
          });
        }
        const oldest = page.tasks.at(-1);
        if (
          page.tasks.length < 500 ||
          !oldest ||
          Date.parse(oldest.createdAt) < since
        ) {
          break;
        }
      }
      return tasks.filter(t => Date.parse(t.createdAt) >= since);
    } catch (error) {
      this.#logger.warn(
        `Scorecards could not read the template runs; adoption shows none for today: ${error}`,
      );
      return null;
    }
  }
}
