/* eslint-disable @typescript-eslint/no-explicit-any -- API server JSON, read defensively */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterConfig } from '../config';
import type { KubeObject } from './resources';

/** A failed Kubernetes API call, with the HTTP (or Status) code. */
export class KubeApiError extends Error {
  readonly statusCode: number;

  constructor(statusCode: number, message: string) {
    super(message);
    this.name = 'KubeApiError';
    this.statusCode = statusCode;
  }
}

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

/** The auth provider name of a user whose token is read from a file. */
const TOKEN_FILE_PROVIDER = 'paved-service-account-token-file';

/**
 * Sets the bearer token read from a file, on every request (each list page
 * and each watch (re)connect): a projected service account token is
 * replaced by the kubelet before it expires. client-node's own token-file
 * support keeps one token for the whole process (for all clusters) and
 * re-reads it only once a minute.
 */
function tokenFileAuthenticator(tokenFile: string): Authenticator {
  return {
    isAuthProvider: user => user.authProvider?.name === TOKEN_FILE_PROVIDER,
    async applyAuthentication(_user, opts) {
      let token: string;
      try {
        token = (await readFile(tokenFile, 'utf8')).trim();
      } catch (error) {
        throw new Error(
          `cannot read the service account token file ${tokenFile}: ${
            (error as NodeJS.ErrnoException).code ?? String(error)
          }`,
        );
      }
      opts.headers = { ...opts.headers, Authorization: `Bearer ${token}` };
    },
  };
}

/** The client-node config for one cluster: TLS settings and the token. */
export function kubeConfigFor(cluster: ClusterConfig): KubeConfig {
  const kc = new KubeConfig();
  const tokenFile = cluster.serviceAccountToken
    ? undefined
    : cluster.serviceAccountTokenFile;
  if (tokenFile) kc.addAuthenticator(tokenFileAuthenticator(tokenFile));
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        skipTLSVerify: cluster.skipTLSVerify,
        caData: cluster.caData,
        caFile: cluster.caFile,
      },
    ],
    users: [
      tokenFile
        ? { name: 'kube-status', authProvider: { name: TOKEN_FILE_PROVIDER } }
        : { name: 'kube-status', token: cluster.serviceAccountToken },
    ],
    contexts: [
      { name: cluster.name, cluster: cluster.name, user: 'kube-status' },
    ],
    currentContext: cluster.name,
  });
  return kc;
}

const LIST_TIMEOUT_MS = 60_000;

/**
 * One GET of JSON, with client-node applying TLS and the bearer token (its
 * generated list APIs would turn timestamps into `Date`s and differ from what
 * the watch delivers, so lists are plain requests).
 */
async function getJson(kc: KubeConfig, url: URL): Promise<any> {
  const options: https.RequestOptions = {
    method: 'GET',
    headers: { Accept: 'application/json' },
  };
  await kc.applyToHTTPSOptions(options);
  const secure = url.protocol === 'https:';
  if (!secure) delete options.agent;
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(url, options, res => {
      const chunks: Buffer[] = [];
      res.on('data', chunk => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: any;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        if (res.statusCode !== 200) {
          reject(
            new KubeApiError(
              res.statusCode ?? 500,
              body?.message ?? res.statusMessage ?? 'request failed',
            ),
          );
        } else if (!body) {
          reject(new KubeApiError(500, 'the response was not JSON'));
        } else {
          resolve(body);
        }
      });
    });
    req.setTimeout(LIST_TIMEOUT_MS, () =>
      req.destroy(new Error(`no answer within ${LIST_TIMEOUT_MS} ms`)),
    );
    req.on('error', reject);
    req.end();
  });
}

/** Lists a collection completely (following `continue`), with its version. */
export async function listAll(
  kc: KubeConfig,
  path: string,
  fieldSelector?: string,
): Promise<{ items: KubeObject[]; resourceVersion: string }> {
  const server = kc.getCurrentCluster()!.server.replace(/\/+$/, '');
  const items: KubeObject[] = [];
  let resourceVersion = '';
  let continueToken: string | undefined;
  do {
    const url = new URL(server + path);
    url.searchParams.set('limit', '500');
    if (fieldSelector) url.searchParams.set('fieldSelector', fieldSelector);
    if (continueToken) url.searchParams.set('continue', continueToken);
    const page = await getJson(kc, url);
    items.push(...(page.items ?? []));
    resourceVersion = page.metadata?.resourceVersion ?? '';
    continueToken = page.metadata?.continue || undefined;
  } while (continueToken);
  return { items, resourceVersion };
}
