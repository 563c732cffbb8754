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
    /**
     * Checks stated without code: each requires a component to set an
     * annotation or a field (a dotted path under metadata or spec),
     * optionally only for some component types and lifecycles (not
     * applicable to the others). Levels and campaigns name them by id like
     * Paved's own checks; a check that needs other facts is code, added
     * through the scorecards' checks extension point.
     */
    checks?: Array<{
      /** Lower-case words joined by hyphens, e.g. has-runbook. */
      id: string;
      title: string;
      /** What is checked. Default: "The component sets <what>." */
      description?: string;
      /** Why it matters. */
      rationale: string;
      /** How to fix a failure. */
      fix: string;
      /** Exactly one of annotation or field. */
      requires: { annotation?: string; field?: string };
      appliesTo?: { types?: string[]; lifecycles?: string[] };
    }>;
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
