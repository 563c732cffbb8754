import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ClusterSyncStatus } from '@paved/plugin-kube-status-common';
import type { ClusterConfig, InformerTimings } from '../config';
import { kubeConfigFor } from './kubeApi';
import { ResourceInformer } from './ResourceInformer';
import {
  CACHED_RESOURCES,
  type KubeObject,
  type ResourceName,
} from './resources';

/** The watch caches of one cluster, one informer per resource type. */
export class ClusterCache {
  readonly name: string;
  readonly #informers: Map<ResourceName, ResourceInformer>;

  static create(options: {
    cluster: ClusterConfig;
    timings: InformerTimings;
    logger: LoggerService;
  }) {
    return new ClusterCache(options);
  }

  private constructor(options: {
    cluster: ClusterConfig;
    timings: InformerTimings;
    logger: LoggerService;
  }) {
    this.name = options.cluster.name;
    const kubeConfig = kubeConfigFor(options.cluster);
    this.#informers = new Map(
      CACHED_RESOURCES.map(resource => [
        resource.name,
        ResourceInformer.create({
          resource,
          kubeConfig,
          timings: options.timings,
          logger: options.logger.child({
            cluster: this.name,
            resource: resource.name,
          }),
        }),
      ]),
    );
  }

  start() {
    for (const informer of this.#informers.values()) informer.start();
  }

  async stop() {
    await Promise.all([...this.#informers.values()].map(i => i.stop()));
  }

  /** Cached objects of a type, of one namespace or of all. */
  list(resource: ResourceName, namespace?: string): KubeObject[] {
    return this.#informers.get(resource)!.list(namespace);
  }

  /** Whether the type's cache can be trusted (listed, not forbidden). */
  isReadable(resource: ResourceName): boolean {
    return this.#informers.get(resource)!.state.state === 'synced';
  }

  /** Why a type cannot be read, if it cannot. */
  unreadableReason(resource: ResourceName): string | undefined {
    const state = this.#informers.get(resource)!.state;
    if (state.state === 'syncing') return 'not listed yet';
    return state.state === 'synced' ? undefined : state.reason;
  }

  syncStatus(): ClusterSyncStatus {
    const informers = [...this.#informers.values()];
    const degraded = informers.flatMap(i => {
      const s = i.state;
      return s.state === 'forbidden' || s.state === 'error'
        ? [{ resource: i.resource.name, reason: s.reason }]
        : [];
    });
    // Forbidden types are listed in `degraded` but do not stop the rest from
    // being 'synced'; a type failing for other reasons makes it 'error'.
    const states = informers.map(i => i.state.state);
    let state: ClusterSyncStatus['state'] = 'synced';
    if (states.includes('syncing')) state = 'syncing';
    else if (states.includes('error') || !states.includes('synced')) {
      state = 'error';
    }
    const last = Math.max(
      0,
      ...informers.map(i => i.lastEventAt?.getTime() ?? 0),
    );
    return {
      cluster: this.name,
      state,
      ...(last ? { lastEventAt: new Date(last).toISOString() } : {}),
      degraded,
    };
  }
}
