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
      };
    };
  };
}
