import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  cost?: {
    /**
     * The OpenCost source: a scheduled pull of each cluster's
     * `/allocation` API, one day at a time, until the day is final.
     */
    opencost?: {
      /** One entry per cluster (one OpenCost per cluster). */
      clusters?: Array<{
        /** The cluster name; its rows are stored as source `opencost:<name>`. */
        name: string;
        /**
         * The OpenCost API base URL (the cost-model port, usually 9003, or
         * the UI's `/model` path), without `/allocation`.
         */
        baseUrl: string;
        /**
         * Sent as `Authorization: Bearer <token>` (for an OpenCost behind an
         * authenticating proxy).
         * @visibility secret
         */
        token?: string;
        /**
         * The `aggregate` parameter. Default:
         * cluster,namespace,controllerKind,controller.
         */
        aggregate?: string;
      }>;
      /**
       * How long one allocation request may take before it is abandoned
       * (the pull then retries on its next run). Default: 120.
       */
      requestTimeoutSeconds?: number;
      /** How often to pull. Default: every hour. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** How many days back (including today) to keep pulled. Default: 90. */
      backfillDays?: number;
      /**
       * Hours after a day has ended when its data is final and no longer
       * pulled again. Default: 48.
       */
      finalAfterHours?: number;
    };
  };
}
