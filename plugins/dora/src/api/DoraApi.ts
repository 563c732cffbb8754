import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  AiSplit,
  DoraBreakdown,
  DoraDeploymentFilter,
  DoraDeploymentPage,
  DoraMetricName,
  DoraMetrics,
  DoraSeries,
  DoraSeriesInterval,
  DoraUnattributedService as DoraUnattributedServiceModel,
} from '@paved/plugin-dora-common';

/**
 * What a read is about: a scope (an entity ref; none for the whole
 * organisation), a window `[from, to)` and an environment.
 */
export type DoraScope = {
  entityRef?: string;
  from: string;
  to: string;
  environment: string;
};

/** A service name the DORA backend could not match to a catalog entity. */
export type DoraUnattributedService = DoraUnattributedServiceModel;

/** The browser's view of the DORA backend (`/api/dora`). */
export interface DoraApi {
  /**
   * The scope's metrics; with `previousWindows`, also those of that many
   * windows of the same length just before, in `previous` (newest first),
   * answered from the same state in one request.
   */
  getMetrics(
    scope: DoraScope,
    options?: { previousWindows?: number },
  ): Promise<DoraMetrics>;
  getSeries(
    scope: DoraScope,
    metric: DoraMetricName,
    interval: DoraSeriesInterval,
  ): Promise<DoraSeries>;
  getBreakdown(scope: DoraScope): Promise<DoraBreakdown>;
  /** AI-assisted changes against the others: lead time, fail and rework rates. */
  getAiSplit(scope: DoraScope): Promise<AiSplit>;
  getDeployments(
    scope: DoraScope,
    options: { filter: DoraDeploymentFilter; limit?: number; cursor?: string },
  ): Promise<DoraDeploymentPage>;
  /** The drill-down as CSV, fetched with the user's credentials. */
  exportCsv(scope: DoraScope, filter: DoraDeploymentFilter): Promise<Blob>;
  /**
   * Service names no entity matches, with their event counts; `undefined`
   * when the user may not see them (only portal admins may).
   */
  getUnattributed(): Promise<DoraUnattributedService[] | undefined>;
  /** Where pipelines post events (`POST`), for the "how to send" help. */
  getEventsUrl(): Promise<string>;
}

export const doraApiRef = createApiRef<DoraApi>({ id: 'plugin.dora.api' });
