import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { CatalogScopeResolver } from '@paved/catalog-scopes';
import {
  type ComponentLiveChecks,
  type ComponentsLiveChecks,
  type EntityKubeStatus,
  type TeamKubeStatus,
  type WorkloadLiveChecks,
  type WorkloadStatus,
  worstHealth,
} from '@paved/plugin-kube-status-common';
import {
  type CachedCluster,
  entityKubeStatus,
  entityKubeStatuses,
  hasKubernetesAnnotations,
} from '../status/entityStatus';

/** The catalog fields the status needs of a component besides its name. */
const COMPONENT_FIELDS = ['metadata.annotations'];

/** A workload's identity and health with only the live checks it fails. */
function liveChecksOf(workload: WorkloadStatus): WorkloadLiveChecks {
  return {
    cluster: workload.cluster,
    namespace: workload.namespace,
    kind: workload.kind,
    name: workload.name,
    health: workload.health,
    failing: workload.checks
      .filter(check => check.status === 'fail')
      .map(({ id, title, detail }) => ({ id, title, detail })),
  };
}

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

  /**
   * The live checks of every component's workloads in one environment, for
   * the whole organisation as the caller sees it in the catalog: components
   * without Kubernetes annotations, or without a workload whose environment
   * is the one asked for, are left out.
   */
  async componentsLiveChecks(
    environment: string,
    credentials: BackstageCredentials,
  ): Promise<ComponentsLiveChecks> {
    const { members } = await this.#scopes.organisation({ credentials });
    const statuses = entityKubeStatuses(
      members.map(member => member.entity).filter(hasKubernetesAnnotations),
      this.#clusters,
    );
    const components = statuses
      .flatMap((status): ComponentLiveChecks[] => {
        const workloads = status.workloads
          .filter(w => w.environment === environment)
          .map(liveChecksOf);
        return workloads.length > 0
          ? [{ entityRef: status.entityRef, workloads }]
          : [];
      })
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef));
    return {
      environment,
      components,
      clusters: this.#clusters.map(c => c.syncStatus()),
    };
  }
}
