import type { CostCategory, CostSourceStatus } from '@paved/plugin-cost-common';
import type { CostReplaceRequest } from '@paved/plugin-cost-node';

/** Days [from, to) of cost, as YYYY-MM-DD. */
export type CostWindow = { from: string; to: string };

/** Which rows are idle or shared pools rather than direct cost. */
export type PoolRules = { sharedNamespaces: string[] };

/** Sums of one group of rows, as the allocation needs them. */
export type CostSums = {
  byCategory: Record<CostCategory, number>;
  total: number;
  /** Effective cost of cloud (FOCUS) rows: the billed side of reconciliation. */
  cloud: number;
  cpuWeighted: number;
  cpuHours: number;
  ramWeighted: number;
  ramHours: number;
  totalWeighted: number;
  totalWeight: number;
};

/** Whose direct cost a read sums. */
export type DirectCostScope =
  | { entityRefs: string[] }
  | { attributed: true }
  | { unattributed: true };

export type DirectCostRow = CostSums & {
  /** Null for unattributed rows and for rows summed over the scope. */
  entityRef: string | null;
  day: string;
  cluster: string;
  /** How many entities the row sums. */
  entities: number;
};

export type PoolRow = {
  day: string;
  cluster: string;
  idle: number;
  shared: number;
  /** Effective cost of cloud rows in the pool. */
  cloud: number;
  /**
   * What the cluster's nodes cost that day by its rows (CPU, RAM and GPU,
   * and idle): a workload's share of the nodes' bill is its part of this.
   */
  nodeCost: number;
};

/** What the rows paying for a cluster's nodes billed on a day. */
export type NodeBillRow = { day: string; cluster: string; billed: number };

export type DirectTotalRow = {
  day: string;
  cluster: string;
  total: number;
  entities: number;
};

export type UnattributedGroup = {
  labels: Record<string, string>;
  cluster: string | null;
  namespace: string | null;
  resourceName: string | null;
  serviceName: string | null;
  cost: number;
};

/** What one replace stored and whose day pools it changed. */
export type ReplaceResult = {
  stored: number;
  /** The days it replaced. */
  days: string[];
  /** The clusters ('' for none) of its rows and of the rows it replaced. */
  clusters: string[];
};

/** The replace calls of one import transaction (`CostStore.transaction`). */
export interface CostImportTransaction {
  replace(request: CostReplaceRequest): Promise<ReplaceResult>;
  /** As `CostStore.finalDays`, seeing the transaction's own calls. */
  finalDays(source: string, from: string, to: string): Promise<Set<string>>;
}

/** Where a label set's cost goes (`CostStore.saveAllocations`). */
export type LabelSetAllocation = {
  id: number;
  entityRef: string | null;
  shared: boolean;
  /** The cluster a node row pays for; null for other rows. */
  nodeCluster: string | null;
};

/**
 * Cost rows from the sources, the label sets they carry, the label sets'
 * allocation to entities, and the day pools derived from them.
 */
export interface CostStore {
  // --- imports --------------------------------------------------------------

  /**
   * Stores a source's rows for some days, replacing what it stored for those
   * days, all or nothing. A ConflictError when another import of the
   * source is running.
   */
  replace(request: CostReplaceRequest): Promise<ReplaceResult>;

  /**
   * Runs `store` in one database transaction: the replace calls it makes
   * are committed together when it returns, or rolled back together when
   * it throws. Returns its result, and the days and clusters of all its
   * calls.
   */
  transaction<T>(
    store: (tx: CostImportTransaction) => Promise<T>,
  ): Promise<{ result: T; days: string[]; clusters: string[] }>;

  /** The days in [from, to) the source has stored as final. */
  finalDays(source: string, from: string, to: string): Promise<Set<string>>;

  /** Each source's last import, last day with rows and row count. */
  sources(): Promise<CostSourceStatus[]>;

  // --- allocation mapping ---------------------------------------------------

  /** Every label set, or only those that have no allocation yet. */
  labelSets(options?: {
    onlyUnallocated?: boolean;
  }): Promise<Array<{ id: number; labels: Record<string, string> }>>;

  /** Writes the allocation of label sets; returns how many changed. */
  saveAllocations(allocations: LabelSetAllocation[]): Promise<number>;

  // --- day pools ------------------------------------------------------------

  /**
   * Rewrites the stored pools and direct totals of the given days and
   * clusters ('' for rows without one); all days with rows and all
   * clusters when omitted.
   */
  refreshDayPools(
    rules: PoolRules,
    only?: { days?: string[]; clusters?: string[] },
  ): Promise<void>;

  /** Stored pools and direct totals per (day, cluster) of a window. */
  dayPools(window: CostWindow): Promise<Array<PoolRow & DirectTotalRow>>;

  /** Whether rows are stored but their day pools are not (after an upgrade). */
  dayPoolsMissing(): Promise<boolean>;

  // --- reads ----------------------------------------------------------------

  /**
   * Direct cost per (entity, day, cluster) — or, with `perEntity: false`,
   * per (day, cluster) summed over the scope — for some entities, all
   * attributed entities, or the unattributed rows (entityRef null).
   */
  directCost(
    options: CostWindow & {
      scope: DirectCostScope;
      rules: PoolRules;
      perEntity?: boolean;
    },
  ): Promise<DirectCostRow[]>;

  /** Per day and cluster, what the rows paying for its nodes billed. */
  nodeBills(window: CostWindow): Promise<NodeBillRow[]>;

  /** Unattributed cost grouped by what identifies it, largest first. */
  unattributed(
    options: CostWindow & { rules: PoolRules; limit: number },
  ): Promise<UnattributedGroup[]>;

  /**
   * Unattributed direct cost of a window per label set, largest first:
   * the label sets whose claims are worth checking for conflicts.
   */
  unattributedLabelSets(
    options: CostWindow & { rules: PoolRules; limit: number },
  ): Promise<Array<{ labels: Record<string, string>; cost: number }>>;
}
