import type { RootConfigService } from '@backstage/backend-plugin-api';

/** One cluster from `kubernetes.clusterLocatorMethods[type=config].clusters`. */
export interface ClusterConfig {
  name: string;
  url: string;
  /** The service account token; never logged nor returned. */
  serviceAccountToken?: string;
  skipTLSVerify: boolean;
  caData?: string;
}

export interface InformerTimings {
  resyncIntervalMs: number;
  silentWatchTimeoutMs: number;
  retryDelayMs: number;
}

export interface KubeStatusConfig {
  clusters: ClusterConfig[];
  /** Clusters left out, with why (e.g. an auth provider not supported). */
  skipped: string[];
  timings: InformerTimings;
}

/**
 * Reads the clusters from the official Kubernetes plugin's config, so that
 * Paved has one list of clusters, and the cache timings from `kubeStatus`.
 * Only `serviceAccount` auth is supported: the cache runs as the backend,
 * not as the viewer.
 */
export function readKubeStatusConfig(
  config: RootConfigService,
): KubeStatusConfig {
  const clusters: ClusterConfig[] = [];
  const skipped: string[] = [];
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  for (const method of methods) {
    if (method.getString('type') !== 'config') continue;
    for (const c of method.getOptionalConfigArray('clusters') ?? []) {
      const name = c.getString('name');
      const authProvider =
        c.getOptionalString('authProvider') ?? 'serviceAccount';
      if (authProvider !== 'serviceAccount') {
        skipped.push(
          `${name}: authProvider '${authProvider}' is not supported, only 'serviceAccount'`,
        );
        continue;
      }
      clusters.push({
        name,
        url: c.getString('url'),
        serviceAccountToken: c.getOptionalString('serviceAccountToken'),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
        caData: c.getOptionalString('caData'),
      });
    }
  }
  const seconds = (key: string, fallback: number) =>
    (config.getOptionalNumber(`kubeStatus.${key}`) ?? fallback) * 1000;
  return {
    clusters,
    skipped,
    timings: {
      resyncIntervalMs: seconds('resyncIntervalSeconds', 600),
      silentWatchTimeoutMs: seconds('silentWatchTimeoutSeconds', 120),
      retryDelayMs: seconds('retryDelaySeconds', 30),
    },
  };
}
