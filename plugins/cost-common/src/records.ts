/**
 * Cost rows as sources deliver them to the cost backend, one per
 * (source, day, thing that cost money). All amounts are in the
 * organisation's billing currency (config `cost.currency`, default USD).
 */

/** The categories every cost view breaks down into. */
export type CostCategory =
  | 'compute'
  | 'memory'
  | 'gpu'
  | 'storage'
  | 'network'
  | 'loadBalancer'
  | 'cloudServices'
  | 'shared'
  | 'idle';

export const COST_CATEGORIES: CostCategory[] = [
  'compute',
  'memory',
  'gpu',
  'storage',
  'network',
  'loadBalancer',
  'cloudServices',
  'shared',
  'idle',
];

/**
 * What a row is:
 * - workload: a Kubernetes allocation (OpenCost) of one controller/pod set
 * - idle: OpenCost's `__idle__` row (cluster capacity nobody requested)
 * - unallocated: OpenCost's `__unallocated__` row (no value for the
 *   aggregation property, e.g. pods without the label)
 * - cloud: a FOCUS billing row (a cloud resource or service charge)
 */
export type CostRecordKind = 'workload' | 'idle' | 'unallocated' | 'cloud';

export interface CostRecord {
  /** UTC calendar day the cost was incurred, YYYY-MM-DD. */
  day: string;
  kind: CostRecordKind;
  /**
   * Kubernetes labels (OpenCost `properties.labels`) or cloud tags (FOCUS
   * `Tags`), matched against each entity's `paved.dev/cost-allocation`.
   */
  labels: Record<string, string>;
  /** Where the cost comes from, for drill-down and shared-namespace rules. */
  cluster?: string;
  namespace?: string;
  controller?: string;
  controllerKind?: string;
  /** FOCUS columns (cloud rows). */
  resourceId?: string;
  resourceName?: string;
  serviceName?: string;
  serviceCategory?: string;
  regionId?: string;
  subAccountId?: string;
  chargeCategory?: string;
  /**
   * Cost per category; for cloud rows the whole EffectiveCost sits in
   * `cloudServices` (or the category the ServiceCategory maps to).
   */
  costs: Partial<Record<CostCategory, number>>;
  /** Showback amount: the sum of `costs` (FOCUS EffectiveCost). */
  effectiveCost: number;
  /** FOCUS BilledCost (what the invoice says), cloud rows only. */
  billedCost?: number;
  /** FOCUS ListCost, cloud rows only. */
  listCost?: number;
  /** OpenCost efficiencies, 0..1 (cpuEfficiency, ramEfficiency, totalEfficiency). */
  cpuEfficiency?: number;
  ramEfficiency?: number;
  totalEfficiency?: number;
  /** Requested resources, for weighting efficiency across rows. */
  cpuCoreHours?: number;
  ramByteHours?: number;
}
