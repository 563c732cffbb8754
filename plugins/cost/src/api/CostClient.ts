import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DefaultApiClient,
  type CostGranularity,
  type CostRankings,
  type CostSourceStatus,
  type EntityCost,
  type TypedResponse,
  type UnattributedCost,
} from '@paved/plugin-cost-common';
import type { CostApi, CostWindow } from './CostApi';

/**
 * {@link CostApi} over the client generated from the backend's OpenAPI
 * document, with the signed-in user's credentials (the fetch API adds them).
 */
export class CostClient implements CostApi {
  readonly #client: DefaultApiClient;
  readonly #discoveryApi: DiscoveryApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#client = new DefaultApiClient(options);
    this.#discoveryApi = options.discoveryApi;
  }

  async getEntityCost(
    entityRef: string,
    window: CostWindow,
    granularity: CostGranularity,
  ): Promise<EntityCost> {
    return bodyOf(
      await this.#client.getEntityCost({
        query: { ...scopeOf(entityRef), ...windowOf(window), granularity },
      }),
    );
  }

  async getRankings(
    entityRef: string,
    window: CostWindow,
  ): Promise<CostRankings> {
    return bodyOf(
      await this.#client.getRankings({
        query: { entityRef, ...windowOf(window) },
      }),
    );
  }

  async getUnattributed(
    window: CostWindow,
  ): Promise<UnattributedCost | undefined> {
    const response = await this.#client.getUnattributedCost({
      query: windowOf(window),
    });
    // Only admins may see organisation-wide cost; for everyone else there is nothing to show.
    if (response.status === 403) return undefined;
    return bodyOf(response);
  }

  async getSources(): Promise<CostSourceStatus[]> {
    return bodyOf(await this.#client.getCostSources({}));
  }

  async getExportUrl(entityRef: string, window: CostWindow): Promise<string> {
    // The link's href: the generated client fetches, it does not hand out
    // URLs. The path and parameters are those of its exportCostCsv.
    const query = new URLSearchParams({
      ...scopeOf(entityRef),
      ...windowOf(window),
    });
    return `${await this.#discoveryApi.getBaseUrl('cost')}/export.csv?${query}`;
  }

  async exportCsv(entityRef: string, window: CostWindow): Promise<Blob> {
    const response = await this.#client.exportCostCsv({
      query: { ...scopeOf(entityRef), ...windowOf(window) },
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response.blob();
  }
}

/** The entityRef parameter; none (the organisation) for an empty ref. */
function scopeOf(entityRef: string): { entityRef?: string } {
  return entityRef ? { entityRef } : {};
}

/** The window's parameters; an empty day is left to the backend's default. */
function windowOf(window: CostWindow): { from?: string; to?: string } {
  return {
    ...(window.from ? { from: window.from } : {}),
    ...(window.to ? { to: window.to } : {}),
  };
}

/** The typed body of a 2xx answer; any other answer as a ResponseError. */
async function bodyOf<T>(response: TypedResponse<T>): Promise<T> {
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  return response.json();
}
