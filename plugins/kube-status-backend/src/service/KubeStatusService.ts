import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { CatalogScopeResolver } from '@paved/catalog-scopes';
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

/** The catalog fields the status needs of a component besides its name. */
const COMPONENT_FIELDS = ['metadata.annotations'];

/**
 * Answers entity and team status questions: which components the catalog
 * says are involved (with the caller's credentials), and their live status
 * from the clusters' watch caches.
 */
export class KubeStatusService {
  readonly #scopes: CatalogScopeResolver;
  readonly #clusters: CachedCluster[];

  static create(options: {
    catalog: CatalogService;
    clusters: CachedCluster[];
  }) {
    return new KubeStatusService(
      CatalogScopeResolver.create({
        catalog: options.catalog,
        memberFields: COMPONENT_FIELDS,
      }),
      options.clusters,
    );
  }

  private constructor(scopes: CatalogScopeResolver, clusters: CachedCluster[]) {
    this.#scopes = scopes;
    this.#clusters = clusters;
  }

  /** The status of one component; a bare name is a component's. */
  async entityStatus(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityKubeStatus> {
    const { entity } = await this.#scopes.resolve(entityRef, {
      credentials,
      kinds: ['component'],
      defaultKind: 'component',
    });
    return entityKubeStatus(entity, this.#clusters);
  }

  /**
   * The status of every component of a group (owned by it or by any of its
   * sub-groups) or of a system (part of it); a bare name is a group's.
   * Components without Kubernetes annotations are left out.
   */
  async teamStatus(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<TeamKubeStatus> {
    const scope = await this.#scopes.resolve(entityRef, {
      credentials,
      kinds: ['group', 'system'],
      defaultKind: 'group',
    });
    const statuses = scope.members
      .map(member => member.entity)
      .filter(hasKubernetesAnnotations)
      .map(c => entityKubeStatus(c, this.#clusters))
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef));
    return {
      entityRef: scope.entityRef,
      health: worstHealth(statuses.map(s => s.health)),
      components: statuses,
      clusters: this.#clusters.map(c => c.syncStatus()),
    };
  }
}
