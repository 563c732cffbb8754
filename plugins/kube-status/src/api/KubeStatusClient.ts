import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  EntityKubeStatus,
  TeamKubeStatus,
} from '@paved/plugin-kube-status-common';
import type { KubeStatusApi } from './KubeStatusApi';

/** {@link KubeStatusApi} over HTTP, with the signed-in user's credentials. */
export class KubeStatusClient implements KubeStatusApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async #get<T>(path: string, entityRef: string): Promise<T> {
    const base = await this.#discoveryApi.getBaseUrl('kube-status');
    const query = new URLSearchParams({ entityRef });
    const response = await this.#fetchApi.fetch(`${base}${path}?${query}`);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }

  getEntityStatus(entityRef: string): Promise<EntityKubeStatus> {
    return this.#get('/entity', entityRef);
  }

  getTeamStatus(entityRef: string): Promise<TeamKubeStatus> {
    return this.#get('/team', entityRef);
  }
}
