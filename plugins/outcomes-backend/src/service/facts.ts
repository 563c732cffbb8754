/**
 * What an outcomes read knows about one window of a scope, taken as the
 * DORA and cost APIs answered it. `null` for a stream the caller may not
 * read (or a value that has no data).
 */
export type DeliveryFacts = {
  deployments: number;
  perDay: number;
  leadTime: number | null;
  /** Changes delivered (those with a lead time). */
  changes: number;
  changeFailRate: number | null;
  deploymentReworkRate: number | null;
  recoveryTime: number | null;
  recoveries: number;
};

export type CostFacts = {
  total: number;
  /** Requests counted in the window; null where no request data exists. */
  requests: number | null;
  /** Request-weighted cost per request, as the cost API answers it. */
  perRequest: number | null;
};

export type WindowFacts = {
  delivery: DeliveryFacts | null;
  cost: CostFacts | null;
};

/** One component of a group or system, for the silent-service rule. */
export type ComponentFacts = {
  entityRef: string;
  title?: string;
  deployments: number;
  cost: number;
  runningWorkloads: number;
};

/** The thresholds of the signal rules (config `outcomes.signals`). */
export type SignalThresholds = {
  /** A relative change within this is steady (durations, frequency, cost). */
  steadyWithin: number;
  /** A rate change within this many points (0..1) is steady. */
  rateSteadyWithin: number;
  /** Lead time down or frequency up by this share counts as faster. */
  speedImprovement: number;
  /** Change fail or rework rate up by this many points (0..1) counts as less stable. */
  stabilityWorsening: number;
  /** Cost growth minus delivery growth at or above this fires cost-outpacing-delivery. */
  costGrowthOverDelivery: number;
  /** Recovery time up by this share in each of two windows fires recovery-slipping. */
  recoveryWorsening: number;
  /** Rules on rates need at least this many deployments in each window. */
  minimumDeployments: number;
  /** At most this many silent services are named per read. */
  maxSilentServices: number;
};

export const defaultSignalThresholds: SignalThresholds = {
  steadyWithin: 0.05,
  rateSteadyWithin: 0.02,
  speedImprovement: 0.1,
  stabilityWorsening: 0.05,
  costGrowthOverDelivery: 0.2,
  recoveryWorsening: 0.1,
  minimumDeployments: 5,
  maxSilentServices: 10,
};
