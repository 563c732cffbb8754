import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Paved's scorecards: checks over platform facts, levels and roll-ups. */
  scorecards?: {
    /**
     * The levels, lowest first; each names the checks it adds to those of
     * the levels before it. Default: Bronze (has-owner, has-system),
     * Silver (has-techdocs, apis-registered, deployments-reported), Gold
     * (golden-path-current, change-fail-rate).
     */
    levels?: Array<{ id: string; title: string; checks: string[] }>;
    goldenPath?: {
      /**
       * Minor versions a component may be behind its template's current
       * version and still pass golden-path-current. Default: 1.
       */
      minorVersionsBehind?: number;
    };
    /**
     * How often every component is evaluated (one replica at a time).
     * Default: every 10 minutes, the first 30 seconds after start.
     */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
  };
}
