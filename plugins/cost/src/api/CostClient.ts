import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  CostGranularity,
  CostRankings,
  CostSourceStatus,
  EntityCost,
  UnattributedCost,
} from '@paved/plugin-cost-common';
import type { CostApi, CostWindow } from './CostApi';

type Params = Record<string, string | undefined>;

/** {@link CostApi} over HTTP, with the signed-in user's credentials. */
export class CostClient implements CostApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async #url(path: string, params: Params = {}): Promise<string> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== '') query.set(key, value);
    }
    const base = await this.#discoveryApi.getBaseUrl('cost');
    const search = query.toString();
    return `${base}${path}${search ? `?${search}` : ''}`;
  }

  async #get(path: string, params?: Params): Promise<Response> {
    const response = await this.#fetchApi.fetch(await this.#url(path, params));
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response;
  }

  getEntityCost(
    entityRef: string,
    window: CostWindow,
    granularity: CostGranularity,
  ): Promise<EntityCost> {
    return this.#get('/entity', {
      entityRef,
      from: window.from,
      to: window.to,
      granularity,
    }).then(r => r.json());
  }

  getRankings(entityRef: string, window: CostWindow): Promise<CostRankings> {
    return this.#get('/rankings', {
      entityRef,
      from: window.from,
      to: window.to,
    }).then(r => r.json());
  }

  async getUnattributed(
    window: CostWindow,
  ): Promise<UnattributedCost | undefined> {
    const response = await this.#fetchApi.fetch(
      await this.#url('/unattributed', { from: window.from, to: window.to }),
    );
    // Only admins may see organisation-wide cost; for everyone else there is nothing to show.
    if (response.status === 403) return undefined;
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response.json();
  }

  getSources(): Promise<CostSourceStatus[]> {
    return this.#get('/sources').then(r => r.json());
  }

  getExportUrl(entityRef: string, window: CostWindow): Promise<string> {
    return this.#url('/export.csv', {
      entityRef,
      from: window.from,
      to: window.to,
    });
  }

  async exportCsv(entityRef: string, window: CostWindow): Promise<Blob> {
    const response = await this.#fetchApi.fetch(
      await this.getExportUrl(entityRef, window),
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response.blob();
  }
}
