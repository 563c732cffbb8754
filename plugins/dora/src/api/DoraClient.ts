import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DefaultApiClient,
  pluginId,
  type AiSplit,
  type DoraBreakdown,
  type DoraDeploymentFilter,
  type DoraDeploymentPage,
  type DoraMetricName,
  type DoraMetrics,
  type DoraSeries,
  type DoraSeriesInterval,
} from '@paved/plugin-dora-common';
import type { DoraApi, DoraScope, DoraUnattributedService } from './DoraApi';

/** An answer of the DORA backend, typed by the operation that gave it. */
type Answer<T> = Omit<Response, 'json'> & { json(): Promise<T> };

/** The answer if it is a success; otherwise its error body as an error. */
async function ok<T>(answer: Answer<T>): Promise<Answer<T>> {
  if (!answer.ok) throw await ResponseError.fromResponse(answer);
  return answer;
}

/** A scope as query parameters; an empty entity ref is the organisation. */
function scopeQuery(scope: DoraScope) {
  return {
    entityRef: scope.entityRef || undefined,
    from: scope.from,
    to: scope.to,
    environment: scope.environment,
  };
}

/**
 * {@link DoraApi} over HTTP, with the signed-in user's credentials: the
 * client generated from the DORA backend's OpenAPI document, with its
 * error answers turned into errors.
 */
export class DoraClient implements DoraApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #api: DefaultApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#api = new DefaultApiClient(options);
  }

  async getMetrics(
    scope: DoraScope,
    options: { previousWindows?: number } = {},
  ): Promise<DoraMetrics> {
    const answer = await this.#api.getMetrics({
      query: { ...scopeQuery(scope), previousWindows: options.previousWindows },
    });
    return (await ok(answer)).json();
  }

  async getSeries(
    scope: DoraScope,
    metric: DoraMetricName,
    interval: DoraSeriesInterval,
  ): Promise<DoraSeries> {
    const answer = await this.#api.getSeries({
      query: { ...scopeQuery(scope), metric, interval },
    });
    return (await ok(answer)).json();
  }

  async getBreakdown(scope: DoraScope): Promise<DoraBreakdown> {
    const answer = await this.#api.getBreakdown({ query: scopeQuery(scope) });
    return (await ok(answer)).json();
  }

  async getAiSplit(scope: DoraScope): Promise<AiSplit> {
    const answer = await this.#api.getAiSplit({ query: scopeQuery(scope) });
    return (await ok(answer)).json();
  }

  async getDeployments(
    scope: DoraScope,
    options: { filter: DoraDeploymentFilter; limit?: number; cursor?: string },
  ): Promise<DoraDeploymentPage> {
    const answer = await this.#api.getDeployments({
      query: {
        ...scopeQuery(scope),
        filter: options.filter,
        limit: options.limit,
        cursor: options.cursor || undefined,
      },
    });
    return (await ok(answer)).json();
  }

  async exportCsv(
    scope: DoraScope,
    filter: DoraDeploymentFilter,
  ): Promise<Blob> {
    const answer = await this.#api.getDeploymentsCsv({
      query: { ...scopeQuery(scope), filter },
    });
    return (await ok(answer)).blob();
  }

  async getUnattributed(): Promise<DoraUnattributedService[] | undefined> {
    const answer = await this.#api.getUnattributed({});
    // Only portal admins may list them; for everyone else there is nothing to show.
    if (answer.status === 403) return undefined;
    return (await (await ok(answer)).json()).services;
  }

  async getEventsUrl(): Promise<string> {
    return `${await this.#discoveryApi.getBaseUrl(pluginId)}/events`;
  }
}
