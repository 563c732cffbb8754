export interface Config {
  dora?: {
    github?: {
      /**
       * The secret configured on the GitHub webhook; deliveries whose
       * X-Hub-Signature-256 does not match it are refused with 401.
       * @visibility secret
       */
      webhookSecret?: string;
      /** Labels that make a GitHub issue an incident. Default: incident. */
      incidentLabels?: string[];
    };
  };
}
