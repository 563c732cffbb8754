import type {
  DoraDeploymentFilter,
  DoraDeploymentRow,
  DoraEvent,
} from '@paved/plugin-dora-common';
import type { DeploymentSummary } from '../metrics/computeMetrics';
import type { DeploymentVerdict, ScopeFacts } from '../metrics/facts';

/** Where a row stands in the newest-first order of analysed deployments. */
export type AnalysedDeploymentKey = {
  finishedAt: Date;
  eventId: string;
  source: string;
};

/**
 * An event and the catalog entity its service resolved to: `null` when it
 * names none (stored unattributed), `undefined` when the catalog could not
 * be asked (stored unattributed when new, for late attribution to resolve;
 * a stored event keeps the attribution it has).
 */
export type ResolvedDoraEvent = {
  event: DoraEvent;
  entityRef: string | null | undefined;
};

/** DORA facts, their attribution to entities and the analysed deployments. */
export interface DoraStore {
  /**
   * Stores a validated batch in one transaction. Re-sent events with the
   * same content are left alone (`unchanged`), also when another replica
   * is storing them at the same moment; changed ones are updated in place.
   */
  ingest(
    source: string,
    events: ResolvedDoraEvent[],
  ): Promise<{ accepted: number; unchanged: number }>;
  /**
   * Stores the batches of several sources in one transaction: all or
   * nothing (one failing source leaves the others' facts as they were).
   */
  ingestSources(
    batches: Array<{ source: string; events: ResolvedDoraEvent[] }>,
  ): Promise<{ accepted: number; unchanged: number }>;
  /**
   * Facts of the given entities (or of every attributed entity), in one
   * environment or in all of them.
   */
  factsFor(options: {
    entityRefs?: string[];
    environment?: string;
  }): Promise<ScopeFacts>;
  /**
   * Entities (of the given ones, or all) whose analysed deployments are
   * older than their facts, with their current facts' version (at most
   * `limit` of them when given).
   */
  staleAnalyses(
    entityRefs?: string[],
    options?: { limit?: number },
  ): Promise<Map<string, number>>;
  /**
   * Makes `rules` (see `metricRulesKey`) the rules stored analyses are made
   * with. When they differ from the rules adopted before, or none were,
   * every entity's analysis is marked stale in the same transaction, so
   * that the background analysis redoes it. Answers how many it marked.
   */
  adoptAnalysisRules(rules: string): Promise<number>;
  /** The rules adopted last, by any replica; undefined before any were. */
  analysisRules(): Promise<string | undefined>;
  /**
   * Replaces an entity's analysed deployments (all environments) with the
   * analysis of its facts at `version`, writing only the rows that changed.
   * Writers of one entity take turns (on every replica); one that finds the
   * analysis already at `version` or newer writes nothing and answers false.
   */
  replaceAnalyses(
    entityRef: string,
    version: number,
    rows: DoraDeploymentRow[],
  ): Promise<boolean>;
  /**
   * Adds up each day's appended day totals into one row (reads of an
   * organisation read one row a day); answers how many days it compacted.
   */
  compactDayTotals(): Promise<number>;
  /** What the metrics need of each analysed deployment in `[from, to)`. */
  deploymentVerdicts(options: {
    entityRefs?: string[];
    environment: string;
    from: Date;
    to: Date;
  }): Promise<DeploymentVerdict[]>;
  /**
   * The metrics' summary of the analysed deployments finished in
   * `[from, to)`, computed in the database; undefined where the store
   * leaves that to `summariseDeployments` over `deploymentVerdicts`. A
   * whole-day window of a scope holding most analysed entities (an
   * organisation) is summed from per-day totals: its counts exact, its
   * percentiles within 1 %.
   */
  deploymentSummary(options: {
    entityRefs?: string[];
    environment: string;
    from: Date;
    to: Date;
  }): Promise<DeploymentSummary | undefined>;
  /**
   * `deploymentSummary` of each scope (its entity refs), in the order
   * given, summed exactly in one statement; undefined where the store
   * leaves that to `summariseDeployments` over `deploymentVerdicts`.
   */
  deploymentSummaries(options: {
    scopes: string[][];
    environment: string;
    from: Date;
    to: Date;
  }): Promise<DeploymentSummary[] | undefined>;
  /**
   * `deploymentSummary` of each interval of a window whose intervals are
   * whole days, in the database: from one read of the window's day totals
   * where the scope holds most analysed entities (an organisation's
   * weeks), otherwise in one statement over the scope's deployments.
   * Undefined where the database cannot (SQLite) or an interval is not
   * whole days: the caller sums the verdicts.
   */
  intervalSummaries(options: {
    entityRefs?: string[];
    environment: string;
    from: Date;
    to: Date;
    intervals: Array<{ from: Date; to: Date }>;
  }): Promise<DeploymentSummary[] | undefined>;
  /** Analysed deployments finished in `[from, to)`, newest first. */
  analysedDeployments(options: {
    entityRefs?: string[];
    environment: string;
    from: Date;
    to: Date;
    filter?: DoraDeploymentFilter;
  }): Promise<DoraDeploymentRow[]>;
  /**
   * The next `limit` rows of {@link analysedDeployments} after `after` (the
   * key of the last row read), and the key to continue from when there may
   * be more: reads a window of any size in batches of bounded memory.
   */
  analysedDeploymentsAfter(options: {
    entityRefs?: string[];
    environment: string;
    from: Date;
    to: Date;
    filter?: DoraDeploymentFilter;
    limit: number;
    after?: AnalysedDeploymentKey;
  }): Promise<{ items: DoraDeploymentRow[]; next?: AnalysedDeploymentKey }>;
  /**
   * One page (`limit` rows from `offset`) of {@link analysedDeployments},
   * and how many rows all pages hold.
   */
  analysedDeploymentPage(options: {
    entityRefs?: string[];
    environment: string;
    from: Date;
    to: Date;
    filter?: DoraDeploymentFilter;
    limit: number;
    offset: number;
  }): Promise<{ items: DoraDeploymentRow[]; totalItems: number }>;
  /** Distinct service names whose events match no catalog entity yet. */
  unattributedServices(): Promise<Array<{ service: string; events: number }>>;
  /** Attributes the events of a service name to an entity. */
  attribute(service: string, entityRef: string): Promise<void>;
  /**
   * The current version of each entity's facts (of the given entities, or of
   * every entity with facts). A version changes whenever a fact does.
   */
  versionsFor(entityRefs?: string[]): Promise<Map<string, number>>;
  /**
   * A fingerprint of the analyses of the given entities (or all): it
   * changes whenever one of their analysed deployments may have (analysis
   * versions only grow), so a summary kept with it is current while it is
   * unchanged.
   */
  analysisFingerprint(entityRefs?: string[]): Promise<string>;
}
