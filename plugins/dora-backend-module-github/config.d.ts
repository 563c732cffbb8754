export interface Config {
  dora?: {
    github?: {
      /**
       * The secret configured on the GitHub webhook; deliveries whose
       * X-Hub-Signature-256 does not match it are refused with 401. The
       * webhook is off until it is set.
       * @visibility secret
       */
      webhookSecret?: string;
      /**
       * The largest webhook delivery body read, in bytes; a larger one is
       * refused with 413 as soon as it passes the limit. Default: 5242880
       * (5 MiB; GitHub's own cap is 25 MB).
       */
      webhookMaxBodyBytes?: number;
      /** Labels that make a GitHub issue an incident. Default: incident. */
      incidentLabels?: string[];
      /**
       * The poller: reads deployments, their statuses and the commits they
       * delivered from GitHub for every component annotated with
       * `github.com/project-slug`. Credentials come from
       * `integrations.github`.
       */
      poll?: {
        /** Whether the poller runs. Default: false. */
        enabled?: boolean;
        /** Minutes between polls. Default: 10. */
        frequency?: number;
        /**
         * GitHub deployment environments to read; each becomes the DORA
         * environment of its deployments. Default: [production].
         */
        environments?: string[];
        /**
         * How many days back the first poll of a repository reads; later
         * polls resume where the previous one stopped. Default: 90.
         */
        lookbackDays?: number;
        /**
         * The GitHub organisation (or user) whose repositories are polled;
         * components naming another owner's repository are skipped (and
         * logged once), so the portal's credentials never read them.
         * Default: paved.goldenPath.publish.github.owner; when neither is
         * set, every owner is polled.
         */
        organization?: string;
      };
    };
  };
}
