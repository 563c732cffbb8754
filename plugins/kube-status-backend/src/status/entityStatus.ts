import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  type EntityKubeStatus,
  type WorkloadHealth,
  type WorkloadKind,
  type WorkloadStatus,
  WORKLOAD_HEALTH_ORDER,
  worstHealth,
} from '@paved/plugin-kube-status-common';
import {
  type LabelRequirement,
  LabelSelectorError,
  fromSelectorObject,
  matchesLabels,
  parseLabelSelector,
} from '@paved/label-selectors';
import type { ClusterCache } from '../cache/ClusterCache';
import type { KubeObject, ResourceName } from '../cache/resources';
import { workloadStatus } from './workloadStatus';

export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';

/** What the status needs of a cluster's cache (a ClusterCache). */
export type CachedCluster = Pick<
  ClusterCache,
  'name' | 'list' | 'isReadable' | 'unreadableReason' | 'syncStatus'
>;

const WORKLOAD_TYPES: Array<{ kind: WorkloadKind; resource: ResourceName }> = [
  { kind: 'Deployment', resource: 'deployments' },
  { kind: 'StatefulSet', resource: 'statefulsets' },
  { kind: 'DaemonSet', resource: 'daemonsets' },
];

/**
 * The label selector an entity's workloads are found by, as the official
 * Kubernetes plugin does: the label-selector annotation if present, else
 * `backstage.io/kubernetes-id=<id>`; '' when it has neither.
 */
export function entitySelector(entity: Entity): string {
  const annotations = entity.metadata.annotations ?? {};
  const selector = annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION]?.trim();
  if (selector) return selector;
  const id = annotations[KUBERNETES_ID_ANNOTATION]?.trim();
  return id ? `${KUBERNETES_ID_ANNOTATION}=${id}` : '';
}

export function hasKubernetesAnnotations(entity: Entity): boolean {
  return entitySelector(entity) !== '';
}

/** How the workloads an entity's selector may match are found in a cache. */
interface WorkloadLookup {
  /** Workloads of a type that may match (the selector is applied after). */
  candidates(
    cluster: CachedCluster,
    resource: ResourceName,
    namespace: string | undefined,
    selector: LabelRequirement[],
  ): KubeObject[];
  namespaceLabels(cluster: CachedCluster): Map<string, Record<string, string>>;
}

function namespaceLabelsOf(cluster: CachedCluster) {
  return new Map(
    cluster
      .list('namespaces', '')
      .map(ns => [ns.metadata.name, ns.metadata.labels ?? {}]),
  );
}

/** For one entity: every workload of the type is tried. */
const scanEveryWorkload: WorkloadLookup = {
  candidates: (cluster, resource, namespace) =>
    cluster.list(resource, namespace),
  namespaceLabels: namespaceLabelsOf,
};

/**
 * For many entities at once: each cache's workloads of a type are indexed,
 * once, by the label a selector requires (`key=value`, `key in (...)`), so
 * an entity costs the workloads that carry its label rather than a scan of
 * every workload. A selector that requires no value is scanned as for one
 * entity. Valid for one synchronous pass: the caches do not change during it.
 */
function indexedWorkloads(): WorkloadLookup {
  const indexes = new Map<
    CachedCluster,
    Map<string, Map<string, KubeObject[]>>
  >();
  const namespaceLabels = new Map<
    CachedCluster,
    Map<string, Record<string, string>>
  >();
  /** The cache's workloads of a type by their value of one label. */
  const indexOf = (
    cluster: CachedCluster,
    resource: ResourceName,
    key: string,
  ) => {
    let ofCluster = indexes.get(cluster);
    if (!ofCluster) {
      ofCluster = new Map();
      indexes.set(cluster, ofCluster);
    }
    const id = JSON.stringify([resource, key]);
    const known = ofCluster.get(id);
    if (known) return known;
    const byValue = new Map<string, KubeObject[]>();
    for (const workload of cluster.list(resource)) {
      const value = workload.metadata.labels?.[key];
      if (value === undefined) continue;
      const same = byValue.get(value);
      if (same) same.push(workload);
      else byValue.set(value, [workload]);
    }
    ofCluster.set(id, byValue);
    return byValue;
  };
  return {
    candidates(cluster, resource, namespace, selector) {
      const required = selector.find(r => r.operator === 'in');
      if (required?.operator !== 'in') return cluster.list(resource, namespace);
      const byValue = indexOf(cluster, resource, required.key);
      const found = [...new Set(required.values)].flatMap(
        value => byValue.get(value) ?? [],
      );
      return namespace === undefined
        ? found
        : found.filter(w => (w.metadata.namespace ?? '') === namespace);
    },
    namespaceLabels(cluster) {
      let labels = namespaceLabels.get(cluster);
      if (!labels) {
        labels = namespaceLabelsOf(cluster);
        namespaceLabels.set(cluster, labels);
      }
      return labels;
    },
  };
}

function workloadsIn(
  cluster: CachedCluster,
  selector: LabelRequirement[],
  namespace: string | undefined,
  lookup: WorkloadLookup,
): WorkloadStatus[] {
  const unreadable = (resource: ResourceName) =>
    cluster.isReadable(resource)
      ? undefined
      : cluster.unreadableReason(resource);
  const namespaceLabels = lookup.namespaceLabels(cluster);
  return WORKLOAD_TYPES.flatMap(({ kind, resource }) =>
    lookup
      .candidates(cluster, resource, namespace, selector)
      .filter(w => matchesLabels(selector, w.metadata.labels))
      .map(workload => {
        const ns = workload.metadata.namespace ?? 'default';
        const podSelector = fromSelectorObject(workload.spec?.selector);
        return workloadStatus({
          cluster: cluster.name,
          kind,
          workload,
          pods: podSelector
            ? cluster
                .list('pods', ns)
                .filter(p => matchesLabels(podSelector, p.metadata.labels))
            : [],
          podsUnreadable: unreadable('pods'),
          replicaSets:
            kind === 'Deployment' ? cluster.list('replicasets', ns) : [],
          hpa: cluster
            .list('horizontalpodautoscalers', ns)
            .find(
              h =>
                h.spec?.scaleTargetRef?.kind === kind &&
                h.spec?.scaleTargetRef?.name === workload.metadata.name,
            ),
          pdbs: cluster.list('poddisruptionbudgets', ns),
          pdbsUnreadable: unreadable('poddisruptionbudgets'),
          warningEvents: cluster.list('events', ns),
          namespaceLabels: namespaceLabels.get(ns),
        });
      }),
  );
}

const healthRank = (h: WorkloadHealth) => WORKLOAD_HEALTH_ORDER.indexOf(h);

/**
 * The live status of one entity, from the watch caches only: no request
 * goes to a cluster.
 */
export function entityKubeStatus(
  entity: Entity,
  clusters: CachedCluster[],
): EntityKubeStatus {
  return statusOf(entity, clusters, scanEveryWorkload);
}

/**
 * The live statuses of many entities (the whole organisation), each what
 * `entityKubeStatus` gives, from one indexed pass over the caches: a scan
 * of every workload per entity would block the backend for seconds at
 * thousands of components.
 */
export function entityKubeStatuses(
  entities: Entity[],
  clusters: CachedCluster[],
): EntityKubeStatus[] {
  const lookup = indexedWorkloads();
  return entities.map(entity => statusOf(entity, clusters, lookup));
}

function statusOf(
  entity: Entity,
  clusters: CachedCluster[],
  lookup: WorkloadLookup,
): EntityKubeStatus {
  const clusterStatus = clusters.map(c => c.syncStatus());
  const base = {
    entityRef: stringifyEntityRef(entity),
    ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
    clusters: clusterStatus,
  };
  const matchedBy = entitySelector(entity);
  if (!matchedBy) {
    return { ...base, matchedBy, health: 'unknown', workloads: [] };
  }
  let selector: LabelRequirement[];
  try {
    // Read leniently, as this plugin always has: the selector only finds
    // workloads to show, it claims nothing.
    selector = parseLabelSelector(matchedBy, {
      parsing: 'lenient',
    }).requirements;
  } catch (error) {
    if (!(error instanceof LabelSelectorError)) throw error;
    return { ...base, matchedBy, health: 'unknown', workloads: [] };
  }
  const namespace =
    entity.metadata.annotations?.[KUBERNETES_NAMESPACE_ANNOTATION]?.trim() ||
    undefined;
  const workloads = clusters
    .flatMap(c => workloadsIn(c, selector, namespace, lookup))
    .sort(
      (a, b) =>
        healthRank(a.health) - healthRank(b.health) ||
        a.cluster.localeCompare(b.cluster) ||
        a.namespace.localeCompare(b.namespace) ||
        a.name.localeCompare(b.name),
    );
  // Workloads in a cluster whose workload types are not all readable may be
  // missing, so the entity's health cannot be better than unknown.
  const incomplete = clusters.some(c =>
    WORKLOAD_TYPES.some(t => !c.isReadable(t.resource)),
  );
  return {
    ...base,
    matchedBy,
    health: worstHealth([
      ...workloads.map(w => w.health),
      ...(incomplete ? (['unknown'] as const) : []),
    ]),
    workloads,
  };
}
