import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Paved's scorecards: checks over platform facts, levels and roll-ups. */
  scorecards?: {
    /**
     * The levels, lowest first; each names the checks it adds to those of
     * the levels before it. Default: Bronze (has-owner, has-system),
     * Silver (has-techdocs, techdocs-build, apis-registered,
     * deployments-reported), Gold (golden-path-current, change-fail-rate,
     * live-checks, cost-budget).
     */
    levels?: Array<{ id: string; title: string; checks: string[] }>;
    goldenPath?: {
      /**
       * Minor versions a component may be behind its template's current
       * version and still pass golden-path-current. Default: 1.
       */
      minorVersionsBehind?: number;
    };
    /** Exceptions to checks: requested by owners, decided by admins. */
    exceptions?: {
      /** The longest an exception may last, in days (1–366). Default: 180. */
      maxDays?: number;
      /** Days before expiry that the owners are reminded. Default: 14. */
      remindDaysBefore?: number;
      /**
       * Users or groups (full entity refs) notified of each new request,
       * e.g. the platform team: a list, or one string of refs separated by
       * commas or spaces. Default: none.
       */
      reviewers?: string[] | string;
    };
    /**
     * How often every component is evaluated (one replica at a time).
     * Default: every 10 minutes, the first 30 seconds after start.
     */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    /**
     * The local demo only: after the first evaluation, fill this many past
     * days of level history, adoption and portal use, made up from today's
     * results so the trends have something to show. Never in production
     * (the backend refuses to start with it when auth.environment is
     * production). Default: off.
     */
    demoHistoryDays?: number;
  };
}
