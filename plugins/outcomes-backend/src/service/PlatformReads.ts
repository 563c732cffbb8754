import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { DefaultApiClient as CostClient } from '@paved/plugin-cost-common';
import { DefaultApiClient as DoraClient } from '@paved/plugin-dora-common';
import { DefaultApiClient as KubeStatusClient } from '@paved/plugin-kube-status-common';

/** An answer of another Paved plugin, or why the caller may not have it. */
export type Answer<T> =
  | { allowed: true; value: T }
  | { allowed: false; reason: string };

type Response<T> = {
  ok: boolean;
  status: number;
  json(): Promise<T>;
  text(): Promise<string>;
};

/**
 * The DORA, cost and Kubernetes status APIs, asked on the caller's behalf
 * (so their permissions and the catalog's read rules hold as if the caller
 * had asked them). An upstream 403 is an answer ("you may not see this
 * stream"); a 400 or 404 is the caller's request; anything else is a
 * retryable 503 naming the plugin, never the upstream status passed on.
 */
export class PlatformReads {
  readonly #auth: AuthService;
  readonly dora: DoraClient;
  readonly cost: CostClient;
  readonly kubeStatus: KubeStatusClient;

  static create(options: { auth: AuthService; discovery: DiscoveryService }) {
    return new PlatformReads(options);
  }

  private constructor(options: {
    auth: AuthService;
    discovery: DiscoveryService;
  }) {
    this.#auth = options.auth;
    const discoveryApi = {
      getBaseUrl: (pluginId: string) => options.discovery.getBaseUrl(pluginId),
    };
    this.dora = new DoraClient({ discoveryApi });
    this.cost = new CostClient({ discoveryApi });
    this.kubeStatus = new KubeStatusClient({ discoveryApi });
  }

  /** A token for one plugin on the caller's behalf. */
  async tokenFor(
    credentials: BackstageCredentials,
    targetPluginId: 'dora' | 'cost' | 'kube-status',
  ): Promise<string> {
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId,
    });
    return token;
  }

  async ask<T>(
    pluginId: string,
    call: () => Promise<Response<T>>,
  ): Promise<Answer<T>> {
    let response: Response<T>;
    try {
      response = await call();
    } catch (error) {
      throw new ServiceUnavailableError(
        `The ${pluginId} backend could not be reached; try again (${String(
          (error as Error)?.message ?? error,
        ).slice(0, 200)})`,
      );
    }
    if (response.ok) return { allowed: true, value: await response.json() };
    const message = await errorMessage(response);
    switch (response.status) {
      case 403:
        return { allowed: false, reason: message };
      case 400:
        throw new InputError(message);
      case 404:
        throw new NotFoundError(message);
      default:
        throw new ServiceUnavailableError(
          `The ${pluginId} backend answered ${response.status}; try again (${message})`,
        );
    }
  }
}

async function errorMessage(response: Response<unknown>): Promise<string> {
  const body = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(body);
    if (typeof parsed?.error?.message === 'string') {
      return parsed.error.message.slice(0, 500);
    }
  } catch {
    // not Backstage's error body
  }
  return body.slice(0, 200) || `status ${response.status}`;
}
