import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  CostGranularity,
  CostRankings,
  CostSourceStatus,
  CostWindow,
  EntityCost,
  UnattributedCost,
} from '@paved/plugin-cost-common';

/**
 * A window of whole UTC days: `from` inclusive, `to` exclusive, both
 * YYYY-MM-DD; the backend accepts at most 731 days.
 */
export type { CostWindow };

/** The browser's view of the cost backend (`/api/cost`). */
export interface CostApi {
  getEntityCost(
    entityRef: string,
    window: CostWindow,
    granularity: CostGranularity,
  ): Promise<EntityCost>;
  /** The components of a group or system, ranked by cost and by change. */
  getRankings(entityRef: string, window: CostWindow): Promise<CostRankings>;
  /**
   * Organisation cost no entity claims, with the labels that matched
   * nothing; `undefined` when the user may not see it (only admins may).
   */
  getUnattributed(window: CostWindow): Promise<UnattributedCost | undefined>;
  /** The connected sources; empty when none is connected. */
  getSources(): Promise<CostSourceStatus[]>;
  /** Where the entity's cost rows download as CSV, for the link's href. */
  getExportUrl(entityRef: string, window: CostWindow): Promise<string>;
  /** The CSV itself, fetched with the user's credentials. */
  exportCsv(entityRef: string, window: CostWindow): Promise<Blob>;
}

export const costApiRef = createApiRef<CostApi>({ id: 'plugin.cost.api' });
