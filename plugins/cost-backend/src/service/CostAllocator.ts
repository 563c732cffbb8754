import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { DatabaseCostStore, PoolRules } from '../database/CostStore';
import { type LabelSelector, matches, parseSelector } from './selectors';

export const COST_ALLOCATION_ANNOTATION = 'paved.dev/cost-allocation';
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';

/**
 * Tags the clouds put on the machines of a managed Kubernetes cluster,
 * holding the cluster's name: EKS (as the AWS-generated cost allocation tag
 * and as the node group's resource tag), GKE and AKS.
 */
export const DEFAULT_CLUSTER_NODE_TAGS = [
  'aws:eks:cluster-name',
  'eks:cluster-name',
  'goog-k8s-cluster-name',
  'aks-managed-cluster-name',
];

/** The catalog kinds cost is allocated to. */
export const ALLOCATED_KINDS = ['component', 'resource'];

type Candidate = { entityRef: string; selector: LabelSelector };

/**
 * The selector an entity claims cost rows with: its
 * `paved.dev/cost-allocation` annotation, else `app=<kubernetes-id>`, else
 * `app=<entity name>`.
 */
export function selectorTextOf(entity: Entity): string {
  const annotations = entity.metadata.annotations ?? {};
  const explicit = annotations[COST_ALLOCATION_ANNOTATION];
  if (explicit !== undefined) return explicit;
  const id = annotations[KUBERNETES_ID_ANNOTATION] ?? entity.metadata.name;
  return `app=${id}`;
}

/**
 * Of the entities whose selector matches, the one with the most
 * requirements wins; ties go to the alphabetically first entity ref.
 */
export function allocate(
  candidates: Candidate[],
  labels: Record<string, string>,
): string | null {
  let best: Candidate | undefined;
  for (const candidate of candidates) {
    if (!matches(candidate.selector, labels)) continue;
    if (
      !best ||
      candidate.selector.requirements.length >
        best.selector.requirements.length ||
      (candidate.selector.requirements.length ===
        best.selector.requirements.length &&
        candidate.entityRef < best.entityRef)
    ) {
      best = candidate;
    }
  }
  return best?.entityRef ?? null;
}

/**
 * Keeps `cost_allocations` (label set -> entity) in step with the catalog:
 * computed over the distinct label sets, never per row.
 */
export class CostAllocator {
  readonly #store: DatabaseCostStore;
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;
  readonly #sharedLabels: LabelSelector[];
  readonly #clusterNodeTags: string[];
  readonly #rules: PoolRules;
  #running: Promise<unknown> = Promise.resolve();

  static create(options: {
    store: DatabaseCostStore;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    sharedLabels: string[];
    /** Default DEFAULT_CLUSTER_NODE_TAGS. */
    clusterNodeTags?: string[];
    rules: PoolRules;
  }) {
    return new CostAllocator(options);
  }

  private constructor(options: {
    store: DatabaseCostStore;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    sharedLabels: string[];
    clusterNodeTags?: string[];
    rules: PoolRules;
  }) {
    this.#rules = options.rules;
    this.#clusterNodeTags =
      options.clusterNodeTags ?? DEFAULT_CLUSTER_NODE_TAGS;
    this.#store = options.store;
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#logger = options.logger;
    this.#sharedLabels = options.sharedLabels.map(text => {
      try {
        return parseSelector(text);
      } catch (e) {
        throw new Error(
          `cost.allocation.sharedLabels: '${text}' is not a label selector: ${
            (e as Error).message
          }`,
        );
      }
    });
  }

  /**
   * Recomputes the allocation of every label set, and the stored pools of
   * every day if any allocation changed. Runs after any refresh under way.
   */
  refresh(): Promise<number> {
    return this.#serialized(async () => {
      const changed = await this.#allocate({ onlyNew: false });
      if (changed > 0 || (await this.#store.dayPoolsMissing())) {
        await this.#store.refreshDayPools(this.#rules);
      }
      return changed;
    });
  }

  /**
   * After an import: allocates the label sets it introduced and rewrites
   * the pools of the days it replaced, in the clusters it touched (all
   * clusters when not given).
   */
  afterImport(imported: { days: string[]; clusters?: string[] }) {
    return this.#serialized(async () => {
      const changed = await this.#allocate({ onlyNew: true });
      await this.#store.refreshDayPools(this.#rules, imported);
      return changed;
    });
  }

  #serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#running.then(fn);
    this.#running = next.catch(() => undefined);
    return next;
  }

  async #allocate(options: { onlyNew: boolean }): Promise<number> {
    const labelSets = await this.#store.labelSets({
      onlyUnallocated: options.onlyNew,
    });
    if (labelSets.length === 0) return 0;
    const candidates = await this.#candidates();
    return this.#store.saveAllocations(
      labelSets.map(({ id, labels }) => {
        // A node row pays for a cluster's workloads; it is no one's own.
        const nodeCluster = this.#clusterNodeTags
          .map(tag => labels[tag])
          .find(value => value);
        if (nodeCluster) {
          return { id, shared: false, entityRef: null, nodeCluster };
        }
        const shared = this.#sharedLabels.some(s => matches(s, labels));
        return {
          id,
          shared,
          entityRef: shared ? null : allocate(candidates, labels),
          nodeCluster: null,
        };
      }),
    );
  }

  async #candidates(): Promise<Candidate[]> {
    const { items } = await this.#catalog.getEntities(
      {
        filter: { kind: ALLOCATED_KINDS },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      },
      { credentials: await this.#auth.getOwnServiceCredentials() },
    );
    const candidates: Candidate[] = [];
    for (const entity of items) {
      const entityRef = stringifyEntityRef(entity);
      const text = selectorTextOf(entity);
      try {
        candidates.push({ entityRef, selector: parseSelector(text) });
      } catch (e) {
        this.#logger.warn(
          `${entityRef}: ${COST_ALLOCATION_ANNOTATION} '${text}' is not a label selector (${
            (e as Error).message
          }); no cost is allocated to it`,
        );
      }
    }
    return candidates;
  }
}
