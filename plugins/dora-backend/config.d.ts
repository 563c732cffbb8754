export interface Config {
  dora?: {
    /**
     * How many days back an incident with no named cause looks for the
     * deployment that caused it. Default 7.
     */
    incidentAttributionWindowDays?: number;
    /** Change labels that make a deployment rework. Default hotfix, revert, bug, incident. */
    reworkLabels?: string[];
    /** Largest accepted event API body in bytes; larger bodies get 413. Default 5 MB. */
    maxEventBodyBytes?: number;
  };
}
