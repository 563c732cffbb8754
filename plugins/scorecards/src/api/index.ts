import {
  createApiRef,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DefaultApiClient,
  type EntityScorecard,
  type ScorecardDefinitions,
  type ScorecardRollup,
} from '@paved/plugin-scorecards-common';

/** The browser's view of the scorecards backend (`/api/scorecards`). */
export interface ScorecardsApi {
  getDefinitions(): Promise<ScorecardDefinitions>;
  getEntityScorecard(entityRef: string): Promise<EntityScorecard>;
  /** A group's or system's components; without entityRef the organisation. */
  getRollup(options: {
    entityRef?: string;
    days?: number;
  }): Promise<ScorecardRollup>;
}

export const scorecardsApiRef = createApiRef<ScorecardsApi>({
  id: 'plugin.scorecards.api',
});

/**
 * {@link ScorecardsApi} over HTTP with the signed-in user's credentials:
 * the client generated from the backend's OpenAPI document, with its
 * error answers turned into errors.
 */
export class ScorecardsClient implements ScorecardsApi {
  readonly #api: DefaultApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#api = new DefaultApiClient(options);
  }

  async getDefinitions(): Promise<ScorecardDefinitions> {
    const answer = await this.#api.getDefinitions({});
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return answer.json();
  }

  async getEntityScorecard(entityRef: string): Promise<EntityScorecard> {
    const answer = await this.#api.getEntityScorecard({ query: { entityRef } });
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return answer.json();
  }

  async getRollup(options: {
    entityRef?: string;
    days?: number;
  }): Promise<ScorecardRollup> {
    const answer = await this.#api.getScorecardRollup({ query: options });
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return answer.json();
  }
}
