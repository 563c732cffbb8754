import { createApiRef } from '@backstage/frontend-plugin-api';
import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DefaultApiClient,
  type Outcomes,
  type TeamOutcomes,
} from '@paved/plugin-outcomes-common';

/** What an outcomes read is about: a scope (none for the organisation), whole UTC days and an environment. */
export type OutcomesScope = {
  entityRef?: string;
  /** YYYY-MM-DD, inclusive. */
  from: string;
  /** YYYY-MM-DD, exclusive. */
  to: string;
  environment: string;
};

/** The browser's view of the outcomes backend (`/api/outcomes`). */
export interface OutcomesApi {
  getOutcomes(scope: OutcomesScope): Promise<Outcomes>;
  /** Every team the user can see, side by side. */
  getTeamOutcomes(
    window: Omit<OutcomesScope, 'entityRef'>,
  ): Promise<TeamOutcomes>;
  /** The same table as CSV, fetched with the user's credentials. */
  exportTeamsCsv(window: Omit<OutcomesScope, 'entityRef'>): Promise<Blob>;
}

export const outcomesApiRef = createApiRef<OutcomesApi>({
  id: 'plugin.outcomes.api',
});

/**
 * {@link OutcomesApi} over HTTP with the signed-in user's credentials: the
 * client generated from the backend's OpenAPI document, with its error
 * answers turned into errors.
 */
export class OutcomesClient implements OutcomesApi {
  readonly #api: DefaultApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#api = new DefaultApiClient(options);
  }

  async getOutcomes(scope: OutcomesScope): Promise<Outcomes> {
    const answer = await this.#api.getOutcomes({
      query: {
        entityRef: scope.entityRef || undefined,
        from: scope.from,
        to: scope.to,
        environment: scope.environment,
      },
    });
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return answer.json();
  }

  async getTeamOutcomes(
    window: Omit<OutcomesScope, 'entityRef'>,
  ): Promise<TeamOutcomes> {
    const answer = await this.#api.getTeamOutcomes({
      query: {
        from: window.from,
        to: window.to,
        environment: window.environment,
      },
    });
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return answer.json();
  }

  async exportTeamsCsv(
    window: Omit<OutcomesScope, 'entityRef'>,
  ): Promise<Blob> {
    const answer = await this.#api.getTeamOutcomesCsv({
      query: {
        from: window.from,
        to: window.to,
        environment: window.environment,
      },
    });
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return answer.blob();
  }
}
