/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * A Kubernetes object as the API server sends it (plain JSON, timestamps as
 * strings). client-node's generated models are not used for cached objects
 * because they declare timestamps as `Date`, which watch events do not
 * deliver; `spec` and `status` stay loosely typed and are read defensively.
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string; uid?: string }>;
  };
  spec?: any;
  status?: any;
  [key: string]: any;
}

/** A resource type the cache lists and watches, across all namespaces. */
export interface CachedResource {
  /** Plural name, as RBAC names it (`deployments`, `pods`, ...). */
  name: ResourceName;
  /** The cluster-wide collection path. */
  path: string;
  /** Narrows what is cached, e.g. only Warning events. */
  fieldSelector?: string;
}

export type ResourceName =
  | 'namespaces'
  | 'deployments'
  | 'statefulsets'
  | 'daemonsets'
  | 'replicasets'
  | 'pods'
  | 'horizontalpodautoscalers'
  | 'poddisruptionbudgets'
  | 'events';

export const CACHED_RESOURCES: CachedResource[] = [
  { name: 'namespaces', path: '/api/v1/namespaces' },
  { name: 'deployments', path: '/apis/apps/v1/deployments' },
  { name: 'statefulsets', path: '/apis/apps/v1/statefulsets' },
  { name: 'daemonsets', path: '/apis/apps/v1/daemonsets' },
  { name: 'replicasets', path: '/apis/apps/v1/replicasets' },
  { name: 'pods', path: '/api/v1/pods' },
  {
    name: 'horizontalpodautoscalers',
    path: '/apis/autoscaling/v2/horizontalpodautoscalers',
  },
  {
    name: 'poddisruptionbudgets',
    path: '/apis/policy/v1/poddisruptionbudgets',
  },
  // Only warnings: they explain failing pods; normal events are churn.
  { name: 'events', path: '/api/v1/events', fieldSelector: 'type=Warning' },
];
