import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  type Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { queryAllEntities } from '@paved/catalog-scopes';
import type { AllocationClaim } from '@paved/plugin-cost-common';
import type { CostStore, PoolRules } from '../database/CostStore';
import {
  type LabelSelector,
  matches,
  parseAllocationSelector,
  parseSelector,
  specificity,
} from './selectors';

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

/** An entity that claims cost rows, with its owner and selector. */
export type Candidate = {
  entityRef: string;
  /** The owning entity's ref; undefined when the entity names none. */
  owner?: string;
  selector: LabelSelector;
};

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
 * Why an entity is given no cost because of its selector (invalid, empty,
 * or negations only), or undefined when its selector is usable.
 */
export function selectorProblemOf(entity: Entity): string | undefined {
  const text = selectorTextOf(entity);
  try {
    parseAllocationSelector(text);
    return undefined;
  } catch (e) {
    return `${COST_ALLOCATION_ANNOTATION} '${text}' is not used: ${
      (e as Error).message
    }. No cost is allocated to ${stringifyEntityRef(entity)}.`;
  }
}

/**
 * The owner of an entity as a full ref: the catalog's ownedBy relation,
 * which the catalog derives from `spec.owner` (kind defaulting to group,
 * namespace to the entity's). Team scopes are resolved by the same
 * relation, so a conflict names the owner a team's cost is read by.
 */
export function ownerOf(entity: Entity): string | undefined {
  return entity.relations?.find(r => r.type === RELATION_OWNED_BY)?.targetRef;
}

/** Where a label set's cost goes, and who else claimed it. */
export type Allocation = {
  entityRef: string | null;
  /**
   * Set when entities of different owners match the label set: then the
   * cost goes to none of them (entityRef null) and these are the claims.
   */
  conflict?: AllocationClaim[];
};

/**
 * Of the entities whose selector matches: when they all have the same
 * owner, the one with the most positive requirements wins (ties go to the
 * alphabetically first entity ref). When entities of different owners
 * match, none gets the cost: one team's selector must not take another
 * team's cost by being more specific, so the conflict is reported instead.
 */
export function allocate(
  candidates: Candidate[],
  labels: Record<string, string>,
): Allocation {
  const matching = candidates.filter(c => matches(c.selector, labels));
  if (matching.length === 0) return { entityRef: null };
  const owners = new Set(matching.map(c => c.owner ?? ''));
  if (owners.size > 1) {
    return {
      entityRef: null,
      conflict: matching
        .map(c => ({
          entityRef: c.entityRef,
          ...(c.owner ? { owner: c.owner } : {}),
          selector: c.selector.text,
        }))
        .sort((a, b) => a.entityRef.localeCompare(b.entityRef)),
    };
  }
  let best = matching[0];
  for (const candidate of matching.slice(1)) {
    const a = specificity(candidate.selector);
    const b = specificity(best.selector);
    if (a > b || (a === b && candidate.entityRef < best.entityRef)) {
      best = candidate;
    }
  }
  return { entityRef: best.entityRef };
}

/**
 * Keeps `cost_allocations` (label set -> entity) in step with the catalog:
 * computed over the distinct label sets, never per row.
 */
export class CostAllocator {
  readonly #store: CostStore;
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;
  readonly #sharedLabels: LabelSelector[];
  readonly #clusterNodeTags: string[];
  readonly #rules: PoolRules;
  #running: Promise<unknown> = Promise.resolve();

  static create(options: {
    store: CostStore;
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
    store: CostStore;
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
          entityRef: shared ? null : allocate(candidates, labels).entityRef,
          nodeCluster: null,
        };
      }),
    );
  }

  /**
   * Which of these (unattributed) label sets entities of different owners
   * claim, with the claims: what admins must settle for the cost to be
   * attributed. Read with the plugin's credentials, like the allocation.
   */
  async conflicts<T extends { labels: Record<string, string> }>(
    labelSets: T[],
  ): Promise<Array<T & { claims: AllocationClaim[] }>> {
    if (labelSets.length === 0) return [];
    const candidates = await this.#candidates({ quiet: true });
    const result: Array<T & { claims: AllocationClaim[] }> = [];
    for (const labelSet of labelSets) {
      const { conflict } = allocate(candidates, labelSet.labels);
      if (conflict) result.push({ ...labelSet, claims: conflict });
    }
    return result;
  }

  async #candidates(options: { quiet?: boolean } = {}): Promise<Candidate[]> {
    // Paged: an organisation's every component and resource in bounded
    // requests, not one answer of unbounded size.
    const items = await queryAllEntities(
      this.#catalog,
      { kind: { $in: ALLOCATED_KINDS } },
      {
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
          'relations',
        ],
        credentials: await this.#auth.getOwnServiceCredentials(),
      },
    );
    const candidates: Candidate[] = [];
    for (const entity of items) {
      const entityRef = stringifyEntityRef(entity);
      const text = selectorTextOf(entity);
      try {
        candidates.push({
          entityRef,
          owner: ownerOf(entity),
          selector: parseAllocationSelector(text),
        });
      } catch (e) {
        if (!options.quiet) {
          this.#logger.warn(
            `${entityRef}: ${COST_ALLOCATION_ANNOTATION} '${text}' is not used (${
              (e as Error).message
            }); no cost is allocated to it`,
          );
        }
      }
    }
    return candidates;
  }
}
