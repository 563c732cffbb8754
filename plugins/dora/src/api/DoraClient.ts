import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  DoraBreakdown,
  DoraDeploymentFilter,
  DoraDeploymentPage,
  DoraMetricName,
  DoraMetrics,
  DoraSeries,
  DoraSeriesInterval,
} from '@paved/plugin-dora-common';
import type { DoraApi, DoraScope, DoraUnattributedService } from './DoraApi';

type Params = Record<string, string | number | undefined>;

/** {@link DoraApi} over HTTP, with the signed-in user's credentials. */
export class DoraClient implements DoraApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async #request(path: string, params: Params = {}): Promise<Response> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== '') query.set(key, String(value));
    }
    const base = await this.#discoveryApi.getBaseUrl('dora');
    const search = query.toString();
    return this.#fetchApi.fetch(`${base}${path}${search ? `?${search}` : ''}`);
  }

  async #get(path: string, params?: Params): Promise<Response> {
    const response = await this.#request(path, params);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response;
  }

  getMetrics(scope: DoraScope): Promise<DoraMetrics> {
    return this.#get('/metrics', scope).then(r => r.json());
  }

  getSeries(
    scope: DoraScope,
    metric: DoraMetricName,
    interval: DoraSeriesInterval,
  ): Promise<DoraSeries> {
    return this.#get('/series', { ...scope, metric, interval }).then(r =>
      r.json(),
    );
  }

  getBreakdown(scope: DoraScope): Promise<DoraBreakdown> {
    return this.#get('/breakdown', scope).then(r => r.json());
  }

  getDeployments(
    scope: DoraScope,
    options: { filter: DoraDeploymentFilter; limit?: number; cursor?: string },
  ): Promise<DoraDeploymentPage> {
    return this.#get('/deployments', { ...scope, ...options }).then(r =>
      r.json(),
    );
  }

  exportCsv(scope: DoraScope, filter: DoraDeploymentFilter): Promise<Blob> {
    return this.#get('/export.csv', { ...scope, filter }).then(r => r.blob());
  }

  async getUnattributed(): Promise<DoraUnattributedService[] | undefined> {
    const response = await this.#request('/unattributed');
    // Only portal admins may list them; for everyone else there is nothing to show.
    if (response.status === 403) return undefined;
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const body = (await response.json()) as {
      services: DoraUnattributedService[];
    };
    return body.services;
  }

  async getEventsUrl(): Promise<string> {
    return `${await this.#discoveryApi.getBaseUrl('dora')}/events`;
  }
}
