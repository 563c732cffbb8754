import type { AddressInfo } from 'node:net';
import {
  type BackstageCredentials,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  type CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  type ClusterState,
  FERNHILL_SCENARIO,
  LocalKubeApiServer,
  type RunningServer,
  type TokenConfig,
  loadScenarioFile,
} from '@paved/kube-apiserver-local';
import type { KubeObject, ResourceName } from '../cache/resources';
import { kubeStatusPlugin } from '../plugin';
import type { CachedCluster } from '../status/entityStatus';

export const ADMIN_TOKEN = 'kube-status-test-admin';
export const NO_PODS_TOKEN = 'kube-status-test-no-pods';

/** The demo production cluster, over HTTPS with a self-signed certificate. */
export function startCluster(
  opts: {
    bookmarkIntervalMs?: number;
    historySize?: number;
    tokens?: Record<string, TokenConfig>;
  } = {},
): Promise<RunningServer> {
  const scenario = loadScenarioFile(FERNHILL_SCENARIO).clusters.find(
    c => c.name === 'eu-west-prod',
  )!;
  return LocalKubeApiServer.start({
    scenario,
    tls: 'self-signed',
    tokens: {
      [ADMIN_TOKEN]: { user: 'kube-status' },
      [NO_PODS_TOKEN]: {
        user: 'kube-status',
        forbidden: [{ resource: 'pods' }],
      },
      ...opts.tokens,
    },
    bookmarkIntervalMs: opts.bookmarkIntervalMs,
    historySize: opts.historySize,
  });
}

const annotated = (
  name: string,
  owner: string,
  annotations: Record<string, string>,
  system?: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: {
    type: 'service',
    owner,
    lifecycle: 'production',
    ...(system ? { system } : {}),
  },
  relations: [
    { type: 'ownedBy', targetRef: `group:default/${owner}` },
    ...(system
      ? [{ type: 'partOf', targetRef: `system:default/${system}` }]
      : []),
  ],
});

const group = (name: string, children: string[], parent?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children, ...(parent ? { parent } : {}) },
  relations: [
    ...children.map(c => ({
      type: 'parentOf',
      targetRef: `group:default/${c}`,
    })),
    ...(parent
      ? [{ type: 'childOf', targetRef: `group:default/${parent}` }]
      : []),
  ],
});

/**
 * A small catalog over the demo cluster: `commerce` has the sub-group
 * `checkout` (two annotated services, one without annotations); `payments`
 * owns a service found by label selector; the `shop` system holds
 * checkout-service and payments-gateway.
 */
export const testEntities: Entity[] = [
  annotated(
    'checkout-service',
    'checkout',
    {
      'backstage.io/kubernetes-id': 'checkout-service',
      'backstage.io/kubernetes-namespace': 'checkout',
    },
    'shop',
  ),
  annotated('orders-service', 'checkout', {
    'backstage.io/kubernetes-id': 'orders-service',
  }),
  annotated('checkout-docs', 'checkout', {}),
  annotated(
    'payments-gateway',
    'payments',
    {
      'backstage.io/kubernetes-label-selector':
        'app.kubernetes.io/name=payments-gateway',
    },
    'shop',
  ),
  group('commerce', ['checkout']),
  group('checkout', [], 'commerce'),
  group('payments', []),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'shop', namespace: 'default' },
    spec: { owner: 'commerce' },
  },
];

/**
 * The catalog over `entities`, hiding from each user the entity refs
 * `hiddenFrom` lists for them, as the real catalog's read rules (its
 * permission policy) would: every read method filters what it returns by
 * the credentials it is given.
 */
export function catalogWithReadRules(
  entities: Entity[],
  hiddenFrom: Record<string, string[]>,
): CatalogService {
  const catalog = catalogServiceMock({ entities });
  const hides = (
    entity: Entity | undefined,
    options?: { credentials?: BackstageCredentials },
  ) => {
    const principal = options?.credentials?.principal as
      | { type?: string; userEntityRef?: string }
      | undefined;
    const hidden =
      principal?.type === 'user'
        ? hiddenFrom[principal.userEntityRef ?? '']
        : undefined;
    // An entity read with only some fields may lack what its ref needs.
    return (
      !!hidden &&
      !!entity?.kind &&
      !!entity.metadata?.name &&
      hidden.includes(stringifyEntityRef(entity))
    );
  };
  return new Proxy(catalog, {
    get(target, name, receiver) {
      const method = Reflect.get(target, name, receiver);
      if (typeof method !== 'function') return method;
      return async (
        request: unknown,
        options?: { credentials?: BackstageCredentials },
      ) => {
        const result = await method.call(target, request, options);
        if (name === 'getEntityByRef') {
          return hides(result, options) ? undefined : result;
        }
        if (name === 'getEntitiesByRefs') {
          // Answers by position: a hidden entity is a ref not found.
          return {
            ...result,
            items: result.items.map((e: Entity | undefined) =>
              hides(e, options) ? undefined : e,
            ),
          };
        }
        if (result && Array.isArray(result.items)) {
          return {
            ...result,
            items: result.items.filter((e: Entity) => !hides(e, options)),
          };
        }
        return result;
      };
    },
  });
}

export interface TestBackendCluster {
  name: string;
  url: string;
  token: string;
}

/** The plugin in a test backend, watching the given clusters. */
export async function startKubeStatusBackend(options: {
  clusters: TestBackendCluster[];
  kubeStatus?: Record<string, number>;
  /** Entity refs the catalog hides from a user, by user entity ref. */
  hiddenFrom?: Record<string, string[]>;
  features?: Parameters<typeof startTestBackend>[0]['features'];
}) {
  const backend = await startTestBackend({
    features: [
      kubeStatusPlugin,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () =>
          catalogWithReadRules(testEntities, options.hiddenFrom ?? {}),
      }),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({
        data: {
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: options.clusters.map(c => ({
                  name: c.name,
                  url: c.url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: c.token,
                  skipTLSVerify: true,
                })),
              },
            ],
          },
          kubeStatus: options.kubeStatus ?? {},
        },
      }),
      ...(options.features ?? []),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const get = async (path: string, user = 'user:default/alice') => {
    const res = await fetch(`http://localhost:${port}/api/kube-status${path}`, {
      headers: user ? { authorization: mockCredentials.user.header(user) } : {},
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  return { backend, get };
}

/** Polls until `check` passes (returns its value) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(r => setTimeout(r, 50));
    }
  }
}

const GROUPS: Record<ResourceName, string> = {
  namespaces: '',
  pods: '',
  events: '',
  deployments: 'apps',
  statefulsets: 'apps',
  daemonsets: 'apps',
  replicasets: 'apps',
  horizontalpodautoscalers: 'autoscaling',
  poddisruptionbudgets: 'policy',
};

export function typeOf(resource: ResourceName) {
  // The stand-in keys its objects by group and plural only.
  return { group: GROUPS[resource], plural: resource } as Parameters<
    ClusterState['list']
  >[0];
}

/** A cache that holds what the stand-in cluster holds, all synced. */
export function cacheOf(state: ClusterState): CachedCluster {
  return {
    name: state.name,
    list: (resource, namespace) =>
      // The stand-in's objects are the API server's JSON, as the cache's are.
      (state.list(typeOf(resource)) as unknown as KubeObject[])
        .filter(
          o =>
            namespace === undefined ||
            (o.metadata.namespace ?? '') === namespace,
        )
        .filter(o => resource !== 'events' || o.type === 'Warning'),
    isReadable: () => true,
    unreadableReason: () => undefined,
    syncStatus: () => ({ cluster: state.name, state: 'synced', degraded: [] }),
  };
}
