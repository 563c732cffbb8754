import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  outcomes?: {
    /**
     * The weekly digest each team gets through Backstage notifications (its
     * members can switch the "Weekly outcomes digest" topic off in their
     * settings).
     */
    digest?: {
      /** Default true. */
      enabled?: boolean;
      /** When it is sent. Default: Mondays at 07:00 UTC (`cron: '0 7 * * 1'`), timeout 15 minutes. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /**
     * Thresholds of the signal rules. Rates and their changes are shares
     * (0.05 = 5 percentage points); other changes are relative (0.1 = 10 %).
     */
    signals?: {
      /** A relative change within this is "steady". Default 0.05. */
      steadyWithin?: number;
      /** A rate change within this many points is "steady". Default 0.02. */
      rateSteadyWithin?: number;
      /** Lead time down or deployment frequency up by this share is "faster". Default 0.1. */
      speedImprovement?: number;
      /** Change fail or rework rate up by this many points is "less stable". Default 0.05. */
      stabilityWorsening?: number;
      /** Cost growth minus delivery growth that fires cost-outpacing-delivery. Default 0.2. */
      costGrowthOverDelivery?: number;
      /** Recovery time worse by this share two windows in a row fires recovery-slipping. Default 0.1. */
      recoveryWorsening?: number;
      /** Rules on rates need this many deployments in each window. Default 5. */
      minimumDeployments?: number;
      /** Silent services named per read. Default 10. */
      maxSilentServices?: number;
    };
  };
}
