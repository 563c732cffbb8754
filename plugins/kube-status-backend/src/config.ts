import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RootConfigService } from '@backstage/backend-plugin-api';

/** Where Kubernetes mounts a pod's own service account (token, ca.crt). */
export const POD_SERVICE_ACCOUNT_DIR =
  '/var/run/secrets/kubernetes.io/serviceaccount';

/** One cluster from `kubernetes.clusterLocatorMethods[type=config].clusters`. */
export interface ClusterConfig {
  name: string;
  url: string;
  /** The service account token; never logged nor returned. */
  serviceAccountToken?: string;
  /**
   * A file holding the token instead, read again on every list and watch
   * because projected service account tokens rotate: the pod's own when no
   * token is configured.
   */
  serviceAccountTokenFile?: string;
  skipTLSVerify: boolean;
  caData?: string;
  /** A file holding the API server's CA certificate (PEM). */
  caFile?: string;
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
 *
 * A cluster without a `serviceAccountToken` is read with the token of the
 * pod Paved runs in (as the official plugin does), when Kubernetes mounted
 * one in `serviceAccountDir`; its `ca.crt` then verifies the API server
 * unless `caData` or `caFile` is configured. Without a mount such a cluster
 * is read without a token, as before.
 *
 * Every cluster of the list must have an `https:` URL, including those this
 * plugin skips: the official Kubernetes plugin reads the same list, and over
 * plain `http:` the portal's cluster credentials and every answer would
 * cross the network unencrypted. A plain `http:` cluster is accepted only when
 * `paved.kubernetes.allowInsecureHttp` is true or names it in
 * `paved.kubernetes.allowInsecureHttpClusters`; otherwise this throws, and
 * the backend does not start.
 */
export function readKubeStatusConfig(
  config: RootConfigService,
  options: { serviceAccountDir?: string } = {},
): KubeStatusConfig {
  const serviceAccountDir =
    options.serviceAccountDir ?? POD_SERVICE_ACCOUNT_DIR;
  const clusters: ClusterConfig[] = [];
  const skipped: string[] = [];
  const insecureHttpAllowed = readInsecureHttpOptIn(config);
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  for (const method of methods) {
    if (method.getString('type') !== 'config') continue;
    for (const c of method.getOptionalConfigArray('clusters') ?? []) {
      const name = c.getString('name');
      const url = c.getString('url');
      checkClusterUrl(name, url, insecureHttpAllowed);
      const authProvider =
        c.getOptionalString('authProvider') ?? 'serviceAccount';
      if (authProvider !== 'serviceAccount') {
        skipped.push(
          `${name}: authProvider '${authProvider}' is not supported, only 'serviceAccount'`,
        );
        continue;
      }
      const serviceAccountToken = c.getOptionalString('serviceAccountToken');
      const caData = c.getOptionalString('caData');
      const podAccount = serviceAccountToken
        ? undefined
        : podServiceAccount(serviceAccountDir);
      clusters.push({
        name,
        url,
        serviceAccountToken,
        serviceAccountTokenFile: podAccount?.tokenFile,
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
        caData,
        caFile:
          c.getOptionalString('caFile') ??
          (caData ? undefined : podAccount?.caFile),
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
      retryDelayMs: seconds('retryDelaySeconds', 10),
    },
  };
}

/**
 * The token and CA files of the pod's own service account, if Kubernetes
 * mounted them. Only whether the token exists is checked here; it is read
 * when used, since it rotates.
 */
function podServiceAccount(
  dir: string,
): { tokenFile: string; caFile?: string } | undefined {
  const tokenFile = join(dir, 'token');
  if (!existsSync(tokenFile)) return undefined;
  const caFile = join(dir, 'ca.crt');
  return { tokenFile, caFile: existsSync(caFile) ? caFile : undefined };
}

/** Which clusters may be reached over plain `http:`, from `paved.kubernetes`. */
function readInsecureHttpOptIn(
  config: RootConfigService,
): (cluster: string) => boolean {
  if (config.getOptionalBoolean('paved.kubernetes.allowInsecureHttp')) {
    return () => true;
  }
  const names = new Set(
    config.getOptionalStringArray(
      'paved.kubernetes.allowInsecureHttpClusters',
    ) ?? [],
  );
  return cluster => names.has(cluster);
}

function checkClusterUrl(
  name: string,
  url: string,
  insecureHttpAllowed: (cluster: string) => boolean,
) {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new Error(
      `Kubernetes cluster '${name}' has an invalid url '${url}'; expected an https: URL`,
    );
  }
  if (protocol === 'https:') return;
  if (protocol === 'http:') {
    if (insecureHttpAllowed(name)) return;
    throw new Error(
      `Kubernetes cluster '${name}' has a plain http: url '${url}': the portal's ` +
        `cluster credentials and every answer would cross the network unencrypted. ` +
        `Use https:, or accept it explicitly with paved.kubernetes.allowInsecureHttpClusters: ['${name}'] ` +
        `(or paved.kubernetes.allowInsecureHttp: true for every cluster)`,
    );
  }
  throw new Error(
    `Kubernetes cluster '${name}' has url '${url}' with protocol '${protocol}'; expected an https: URL`,
  );
}
