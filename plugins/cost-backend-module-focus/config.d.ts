import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  cost?: {
    focus?: {
      /**
       * FOCUS 1.0–1.3 CSV billing exports to import. Every file of an import
       * is stored under the cost source `focus:<name>` and replaces the days
       * it covers, so files of one import must cover different periods
       * (one export per billing period).
       */
      imports?: Array<{
        /** The import's name: lower-case letters, digits and dashes. */
        name: string;
        /**
         * A .csv or .csv.gz file, or a directory whose .csv and .csv.gz
         * files are all imported; relative to the backend's working
         * directory, or absolute.
         */
        path: string;
      }>;
      /**
       * How often the files are checked for changes (a file is imported
       * again only when its content changed). Default: every 10 minutes.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * The largest file accepted by POST /api/cost/focus/imports, in bytes.
       * Default: 2147483648 (2 GiB).
       */
      maxUploadBytes?: number;
    };
  };
}
