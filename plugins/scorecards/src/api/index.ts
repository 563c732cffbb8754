import {
  createApiRef,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  type Adoption,
  type Campaign,
  type CampaignDetail,
  type CampaignRequest,
  DefaultApiClient,
  type EntityCampaigns,
  type EntityScorecard,
  type ExceptionDecision,
  type ExceptionRequest,
  type ExceptionStatus,
  type PortalUse,
  type ScorecardDefinitions,
  type ScorecardException,
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
  /** A component's exceptions, or every visible one; newest first. */
  listExceptions(options: {
    entityRef?: string;
    status?: ExceptionStatus;
  }): Promise<ScorecardException[]>;
  requestException(request: ExceptionRequest): Promise<ScorecardException>;
  decideException(
    id: string,
    decision: ExceptionDecision,
  ): Promise<ScorecardException>;
  /** The golden paths' adoption over `days` (default 90). */
  getAdoption(days?: number): Promise<Adoption>;
  /** Weekly active users and the most used pages and docs (counts only). */
  getPortalUse(weeks?: number): Promise<PortalUse>;
  listCampaigns(): Promise<Campaign[]>;
  getCampaign(id: string): Promise<CampaignDetail>;
  /** The campaigns a component is in, with what it still owes. */
  getEntityCampaigns(entityRef: string): Promise<EntityCampaigns['campaigns']>;
  startCampaign(request: CampaignRequest): Promise<Campaign>;
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

  async listExceptions(options: {
    entityRef?: string;
    status?: ExceptionStatus;
  }): Promise<ScorecardException[]> {
    const answer = await this.#api.listExceptions({ query: options });
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return (await answer.json()).exceptions;
  }

  async requestException(
    request: ExceptionRequest,
  ): Promise<ScorecardException> {
    const answer = await this.#api.requestException({ body: request });
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return answer.json();
  }

  async decideException(
    id: string,
    decision: ExceptionDecision,
  ): Promise<ScorecardException> {
    const answer = await this.#api.decideException({
      path: { id },
      body: decision,
    });
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return answer.json();
  }

  async listCampaigns(): Promise<Campaign[]> {
    const answer = await this.#api.listCampaigns({});
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return (await answer.json()).campaigns;
  }

  async getCampaign(id: string): Promise<CampaignDetail> {
    const answer = await this.#api.getCampaign({ path: { id } });
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return answer.json();
  }

  async getEntityCampaigns(
    entityRef: string,
  ): Promise<EntityCampaigns['campaigns']> {
    const answer = await this.#api.getEntityCampaigns({
      query: { entityRef },
    });
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return (await answer.json()).campaigns;
  }

  async startCampaign(request: CampaignRequest): Promise<Campaign> {
    const answer = await this.#api.startCampaign({ body: request });
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return answer.json();
  }

  async getPortalUse(weeks?: number): Promise<PortalUse> {
    const answer = await this.#api.getPortalUse({
      query: weeks ? { weeks } : {},
    });
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return answer.json();
  }

  async getAdoption(days?: number): Promise<Adoption> {
    const answer = await this.#api.getAdoption({
      query: days ? { days } : {},
    });
    if (!answer.ok) throw await ResponseError.fromResponse(answer);
    return answer.json();
  }
}
