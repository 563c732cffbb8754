import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DefaultApiClient,
  type EntityKubeStatus,
  type TeamKubeStatus,
  type TypedResponse,
} from '@paved/plugin-kube-status-common';
import type { KubeStatusApi } from './KubeStatusApi';

/**
 * {@link KubeStatusApi} over the client generated from the backend's OpenAPI
 * document, with the signed-in user's credentials (the fetch API adds them).
 */
export class KubeStatusClient implements KubeStatusApi {
  readonly #client: DefaultApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#client = new DefaultApiClient(options);
  }

  async getEntityStatus(entityRef: string): Promise<EntityKubeStatus> {
    return bodyOf(await this.#client.getEntityStatus({ query: { entityRef } }));
  }

  async getTeamStatus(entityRef: string): Promise<TeamKubeStatus> {
    return bodyOf(await this.#client.getTeamStatus({ query: { entityRef } }));
  }
}

/** The typed body of a 2xx answer; any other answer as a ResponseError. */
async function bodyOf<T>(response: TypedResponse<T>): Promise<T> {
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  return response.json();
}
