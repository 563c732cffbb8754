/**
 * The read API of the cost backend (all amounts in `currency`):
 *   GET /api/cost/entity?entityRef=&from=&to=&granularity=day|month -> EntityCost
 *   GET /api/cost/rankings?entityRef=<group|system>&from=&to=        -> CostRankings
 *   GET /api/cost/unattributed?from=&to=                             -> UnattributedCost
 *   GET /api/cost/export.csv?entityRef=&from=&to=                    -> text/csv
 *   GET /api/cost/sources                                            -> CostSourceStatus[]
 * `from` is inclusive and `to` exclusive, both YYYY-MM-DD (UTC days).
 */
import type { CostCategory } from './records';

export type CostGranularity = 'day' | 'month';

/** Cost split by category. Missing categories are zero. */
export type CostByCategory = Partial<Record<CostCategory, number>>;

export interface CostPoint {
  /** YYYY-MM-DD (day) or YYYY-MM (month). */
  period: string;
  /** Direct + distributed. */
  total: number;
  direct: number;
  /** Idle and shared cost distributed to this scope by the configured rule. */
  distributed: number;
  byCategory: CostByCategory;
}

export interface CostPerRequestPoint {
  period: string;
  cost: number;
  /** Requests served in the period (from Prometheus). */
  requests: number;
  /** cost / requests; null when there were no requests (never 0 or Infinity). */
  costPerRequest: number | null;
}

export interface CostBudget {
  /** Monthly budget for the scope. */
  monthly: number;
  /** Where it came from: 'annotation' (paved.dev/cost-budget) or 'config'. */
  source: 'annotation' | 'config';
}

export interface CostForecast {
  /** The month forecast, YYYY-MM. */
  month: string;
  /** Spent so far this month. */
  spent: number;
  /** Projected month-end total. */
  projected: number;
  /** How: e.g. "mean of the last 7 days (412.30/day) × 12 remaining days". */
  method: string;
  /** projected / budget, when there is a budget. */
  budgetUsed?: number;
}

export interface CostAnomaly {
  day: string;
  cost: number;
  /** Baseline mean and standard deviation over the preceding days. */
  baselineMean: number;
  baselineStdDev: number;
  /** How many standard deviations away. */
  score: number;
  direction: 'spike' | 'drop';
}

export interface CostReconciliation {
  /** YYYY-MM */
  month: string;
  /** What Paved allocated to the scope from all sources. */
  allocated: number;
  /**
   * The billed EffectiveCost for the same scope (FOCUS): its own rows, and
   * for its Kubernetes cost its share of the bill of the clusters' nodes
   * (rows tagged with a cluster's name). For the organisation, all rows.
   */
  billed: number;
  /** (allocated - billed) / billed × 100; null when nothing was billed. */
  differencePercent: number | null;
}

export interface EntityCost {
  entityRef: string;
  from: string;
  to: string;
  currency: string;
  granularity: CostGranularity;
  total: number;
  direct: number;
  distributed: number;
  byCategory: CostByCategory;
  series: CostPoint[];
  costPerRequest: CostPerRequestPoint[];
  /** Request-weighted over the window; null when there is no request data. */
  averageCostPerRequest: number | null;
  /** Cost-weighted OpenCost efficiency, 0..1; null when unknown. */
  efficiency: { cpu: number | null; ram: number | null; total: number | null };
  /**
   * Share of the scope's cost that is attributed to catalog entities
   * (1 for a single entity; for the organisation, attributed / total).
   */
  attributedShare: number;
  budget?: CostBudget;
  /**
   * Why no budget is shown although the entity sets one (a
   * paved.dev/cost-budget annotation that is not an amount).
   */
  budgetProblem?: string;
  forecast?: CostForecast;
  /**
   * Why no cost is allocated to this component or resource although it
   * may have rows: its paved.dev/cost-allocation selector is invalid,
   * empty or has only negations.
   */
  allocationProblem?: string;
  /**
   * Why there is no cost per request although the entity asks for one
   * (e.g. a prometheus.io/request-rate-query that is not allowed).
   */
  costPerRequestProblem?: string;
  anomalies: CostAnomaly[];
  reconciliation: CostReconciliation[];
}

export interface RankedComponent {
  entityRef: string;
  title?: string;
  total: number;
  /** The same-length window before `from`. */
  previousTotal: number;
  change: number;
  /** change / previousTotal; null when previousTotal is 0. */
  changePercent: number | null;
}

export interface CostRankings {
  entityRef: string;
  from: string;
  to: string;
  currency: string;
  byCost: RankedComponent[];
  byChange: RankedComponent[];
}

export interface UnattributedRow {
  /** The labels/tags that matched no entity's allocation selector. */
  labels: Record<string, string>;
  cluster?: string;
  namespace?: string;
  resourceName?: string;
  serviceName?: string;
  cost: number;
}

/** An entity's claim on a label set through its selector. */
export interface AllocationClaim {
  entityRef: string;
  /** The owning group (or user) ref, when the entity names one. */
  owner?: string;
  /** The selector that matched, as written. */
  selector: string;
}

/**
 * A label set (a workload) that entities of different owners claim. Its
 * cost is attributed to none of them until the selectors are settled.
 */
export interface AllocationConflict {
  /** The labels/tags of the rows. */
  labels: Record<string, string>;
  /** Its cost in the window. */
  cost: number;
  claims: AllocationClaim[];
}

export interface UnattributedCost {
  from: string;
  to: string;
  currency: string;
  organisationTotal: number;
  unattributed: number;
  attributedShare: number;
  rows: UnattributedRow[];
  /**
   * Unattributed label sets that entities of different owners claim,
   * largest cost first: what admins must settle.
   */
  conflicts: AllocationConflict[];
}

export interface CostSourceStatus {
  /** e.g. 'opencost:eu-west-prod', 'focus:aws-billing'. */
  source: string;
  /** Last day with data, YYYY-MM-DD. */
  lastDay?: string;
  /** Last successful import or pull, ISO-8601. */
  lastImportAt?: string;
  rows: number;
}
