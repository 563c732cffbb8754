import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  type CompoundEntityRef,
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { entitiesInScope } from '@paved/catalog-scopes';
import {
  type EntityKubeStatus,
  type TeamKubeStatus,
  worstHealth,
} from '@paved/plugin-kube-status-common';
import {
  type CachedCluster,
  entityKubeStatus,
  hasKubernetesAnnotations,
} from '../status/entityStatus';

/** The catalog fields the status needs of a component. */
const COMPONENT_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
];

function parseRef(entityRef: string, defaultKind: string): CompoundEntityRef {
  try {
    return parseEntityRef(entityRef, {
      defaultKind,
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `entityRef '${entityRef}' is not an entity ref: ${
        (error as Error).message
      }`,
    );
  }
}

/**
 * Answers entity and team status questions: which components the catalog
 * says are involved (with the caller's credentials), and their live status
 * from the clusters' watch caches.
 */
export class KubeStatusService {
  readonly #catalog: CatalogService;
  readonly #clusters: CachedCluster[];

  static create(options: {
    catalog: CatalogService;
    clusters: CachedCluster[];
  }) {
    return new KubeStatusService(options.catalog, options.clusters);
  }

  private constructor(catalog: CatalogService, clusters: CachedCluster[]) {
    this.#catalog = catalog;
    this.#clusters = clusters;
  }

  async #entity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await this.#catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef(ref)} in the catalog`,
      );
    }
    return entity;
  }

  /** The status of one component. */
  async entityStatus(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityKubeStatus> {
    const ref = parseRef(entityRef, 'component');
    if (ref.kind.toLocaleLowerCase('en-US') !== 'component') {
      throw new InputError(
        `entityRef must name a component, not a ${ref.kind}`,
      );
    }
    const entity = await this.#entity(ref, credentials);
    return entityKubeStatus(entity, this.#clusters);
  }

  /**
   * The status of every component of a group (owned by it or by any of its
   * sub-groups) or of a system (part of it). Components without Kubernetes
   * annotations are left out.
   */
  async teamStatus(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<TeamKubeStatus> {
    const ref = parseRef(entityRef, 'group');
    const kind = ref.kind.toLocaleLowerCase('en-US');
    if (kind !== 'group' && kind !== 'system') {
      throw new InputError(
        `entityRef must name a group or a system, not a ${ref.kind}`,
      );
    }
    const entity = await this.#entity(ref, credentials);
    const normalized = stringifyEntityRef(entity);
    const components =
      (await entitiesInScope(this.#catalog, entity, {
        kinds: ['component'],
        fields: COMPONENT_FIELDS,
        credentials,
      })) ?? [];
    const statuses = components
      .filter(hasKubernetesAnnotations)
      .map(c => entityKubeStatus(c, this.#clusters))
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef));
    return {
      entityRef: normalized,
      health: worstHealth(statuses.map(s => s.health)),
      components: statuses,
      clusters: this.#clusters.map(c => c.syncStatus()),
    };
  }
}
