import { createHash } from 'node:crypto';
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { CatalogScopeResolver } from '@paved/catalog-scopes';
import { toCsv } from '@paved/csv-export';
import {
  DORA_MAX_SERIES_POINTS,
  doraMetricNames,
  type DoraBreakdown,
  type DoraGroupMetrics,
  type DoraDeploymentPage,
  type DoraDeploymentRow,
  type DoraMetricName,
  type DoraMetrics,
  type DoraSeries,
  type DoraTrends,
  type DoraSeriesInterval,
} from '@paved/plugin-dora-common';
import type { AnalysedDeploymentKey, DoraStore } from '../database/DoraStore';
import { aiSplit } from '../metrics/aiSplit';
import { DoraServiceIndex } from '../catalog/DoraServiceIndex';
import type { DeploymentVerdict, ScopeFacts } from '../metrics/facts';
import {
  ALL_TIME,
  analyseDeployments,
  metricRulesKey,
  metricsFromSummary,
  percentile,
  summariseDeployments,
  toDeploymentRow,
  type DeploymentSummary,
  type MetricRules,
} from '../metrics/computeMetrics';
import {
  cursorFor,
  parseDeploymentFilter,
  parsePage,
  parseGroupType,
  parsePreviousWindows,
  parseReadScope,
  parseInterval,
  parseSeriesRequest,
  rejectUnknownParameters,
  type RawReadQuery,
  type ReadScope,
} from './readQuery';

/** How many deployments the CSV export reads at a time. */
const CSV_BATCH_SIZE = 1000;
/** The most deployments the AI split reads, newest first. */
const AI_SPLIT_MAX_DEPLOYMENTS = 20_000;
/** How long the background analysis waits for more batches before a pass. */
const REFRESH_DELAY_MS = 1000;
/** Entities the background analysis reads and analyses at a time. */
const ANALYSIS_CHUNK = 100;
/** Batches stored this recently mean ingest is under way. */
const INGEST_ACTIVE_MS = 2000;
/**
 * Scopes of at least this many components keep their summaries: a team's
 * (25 components in the scale benchmark's organisation) and larger. A
 * smaller scope sums about as fast as its analyses' fingerprint is read.
 */
const KEPT_SUMMARY_MIN_MEMBERS = 10;
/**
 * How old a kept summary may be to answer at once while analysis is
 * pending. An older one is summed again in the background, and the read
 * waits at most {@link KEPT_SUMMARY_WAIT_MS} for that before it answers the
 * kept one, saying its members are pending: while a backlog is analysed
 * without pauses (after an ingest), an organisation's teams took 2 s to
 * sum, and a read waiting for that is a read waiting on the backlog.
 */
const KEPT_SUMMARY_MAX_AGE_MS = 30_000;
const KEPT_SUMMARY_WAIT_MS = 100;
/**
 * While analysis is pending, how often a read checks in the background
 * whether a kept summary's analyses changed (each check is a statement
 * over the scope's analyses: thousands of them for an organisation).
 */
const KEPT_SUMMARY_CHECK_MS = 5_000;
/**
 * Summaries kept per replica, counting each of a trend's intervals, a
 * breakdown's components and a groups read's groups: a summary is at most
 * a few kilobytes (its deployments per day), so this bounds the memory
 * kept at tens of megabytes however the scopes are read.
 */
const KEPT_SUMMARY_BUDGET = 20_000;
/**
 * Once a backlog is analysed, kept summaries read this recently are summed
 * again in the background: the {@link KEPT_SUMMARIES_RESUMMED} read most
 * recently, the smallest scopes first. Twenty were too few: the scale
 * benchmark's one team, department and organisation, read directly and
 * through Outcomes, keep about thirty, and those left out summed their
 * year on the first read after the backlog (a department: 1.2 s). While
 * that runs, a kept summary known exact this recently answers, saying its
 * members are pending.
 */
const KEPT_SUMMARY_RESUM_READ_MS = 15 * 60_000;
const KEPT_SUMMARIES_RESUMMED = 200;

type Summed = DeploymentSummary | DeploymentSummary[];

/** A summary (or a group read's summaries) kept with its fingerprint. */
type KeptSummary = {
  fingerprint: string;
  /** When it was last known to be the sum of its analyses. */
  at: number;
  /** When a read last checked its analyses in the background. */
  checkedAt: number;
  summary: Summed;
  summing?: Promise<void>;
  /** The entities whose analyses it sums, and how to sum it again. */
  entityRefs: string[];
  sum: () => Promise<Summed>;
  /** When a read last asked for it. */
  readAt: number;
};

/** How many summaries a kept entry holds (see {@link KEPT_SUMMARY_BUDGET}). */
const keptWeight = (kept: Pick<KeptSummary, 'summary'>) =>
  Array.isArray(kept.summary) ? Math.max(1, kept.summary.length) : 1;
const ATTRIBUTION_INTERVAL_MS = 10_000;
/** How long reads reuse the count of unattributed events. */
const UNATTRIBUTED_COUNT_TTL_MS = 1_000;
/**
 * A read analyses at most this many stale entities of its scope itself;
 * a bigger backlog is the background pass's, and the read does not wait.
 */
const INLINE_ANALYSIS_LIMIT = 20;
/** The most groups the groups read answers for. */
const MAX_GROUPS = 500;
/** How long a read takes a backlog it saw to be still there. */
const BACKLOG_MEMORY_MS = 1_000;
/**
 * A scope of more members than this (the organisation, every team) reads
 * which analyses are stale, and their fingerprint, for the whole
 * organisation rather than sending its members with the statement: during
 * an ingest every such read sent thousands of refs (tens of kilobytes) to
 * the database, a quarter of all it was sent.
 */
const LARGE_SCOPE = 1_000;

/**
 * A read as the HTTP API or an MCP action receives it (query parameters or
 * action input); every method checks it before reading anything.
 */
export type MetricsQuery = RawReadQuery;

export const metricNames = doraMetricNames;
export type MetricName = DoraMetricName;
export type SeriesInterval = DoraSeriesInterval;
export type DeploymentRow = DoraDeploymentRow;

/** A scope as a read resolved it: its members, window and what is pending. */
type ResolvedScope = {
  from: Date;
  to: Date;
  environment: string;
  entityRefs: string[];
  entityRef: string | null;
  unattributedEvents: number;
  pending: Set<string>;
  analysisPending: number;
  /** The fingerprint of the scope's analyses, read once per read. */
  analysisFingerprint: () => Promise<string>;
  /**
   * Called when the read answers a kept summary that is being summed
   * again: every member counts as pending (see
   * {@link DoraMetricsService.#kept}).
   */
  summingAgain: () => void;
};

/** `read`, called at most once: later calls share its answer. */
function once<T>(read: () => Promise<T>): () => Promise<T> {
  let answer: Promise<T> | undefined;
  return () => (answer ??= read());
}

/** The five metrics' headline values per interval of a scope's window. */
function trendsOf(
  resolved: ResolvedScope,
  interval: SeriesInterval,
  intervals: Array<{ start: string; end: string; metrics: DoraMetrics }>,
): DoraTrends {
  return {
    entityRef: resolved.entityRef,
    environment: resolved.environment,
    interval,
    points: intervals.map(({ start, end, metrics }) => ({
      start,
      end,
      deploymentFrequency: headline(metrics, 'deploymentFrequency'),
      changeLeadTime: headline(metrics, 'changeLeadTime'),
      changeFailRate: headline(metrics, 'changeFailRate'),
      failedDeploymentRecoveryTime: headline(
        metrics,
        'failedDeploymentRecoveryTime',
      ),
      deploymentReworkRate: headline(metrics, 'deploymentReworkRate'),
    })),
  };
}

function headline(metrics: DoraMetrics, metric: MetricName) {
  switch (metric) {
    case 'deploymentFrequency':
      return {
        value: metrics.deploymentFrequency.deployments,
        n: metrics.deploymentFrequency.deployments,
      };
    case 'changeLeadTime':
      return metrics.changeLeadTime.p50 === null
        ? { value: null, n: 0 }
        : { value: metrics.changeLeadTime.p50, n: metrics.changeLeadTime.n };
    case 'changeFailRate':
      return {
        value: metrics.changeFailRate.rate,
        n: metrics.changeFailRate.deployments,
      };
    case 'failedDeploymentRecoveryTime':
      return {
        value: metrics.failedDeploymentRecoveryTime.p50,
        n: metrics.failedDeploymentRecoveryTime.n,
      };
    case 'deploymentReworkRate':
      return {
        value: metrics.deploymentReworkRate.rate,
        n: metrics.deploymentReworkRate.deployments,
      };
    default:
      throw new InputError(`unknown metric ${metric}`);
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function nextBoundary(start: Date, interval: SeriesInterval) {
  const next = new Date(start);
  if (interval === 'day') next.setUTCDate(next.getUTCDate() + 1);
  if (interval === 'week') next.setUTCDate(next.getUTCDate() + 7);
  if (interval === 'month') next.setUTCMonth(next.getUTCMonth() + 1);
  return next;
}

/**
 * The DORA reads behind the HTTP API and the MCP actions: metrics, a
 * metric's time series and the deployments behind the numbers.
 *
 * Reads aggregate the analysed deployments the store keeps per entity.
 * After every ingest the entities whose facts changed are re-analysed in
 * the background; a read that finds an entity still stale analyses it
 * first, so no read ever sees an outdated verdict, on any replica.
 */
export class DoraMetricsService {
  readonly #store: DoraStore;
  readonly #scopes: CatalogScopeResolver;
  readonly #services: DoraServiceIndex;
  readonly #rules: MetricRules;
  /** {@link DoraMetricsService.#rules} as stored beside the analyses. */
  readonly #rulesKey: string;
  /** Whether this replica said its rules are not the adopted ones. */
  #otherRulesLogged = false;
  readonly #logger: LoggerService;
  readonly #refreshDelayMs: number;
  #lastAttribution = 0;
  #attribution: Promise<void> = Promise.resolve();
  #refreshing: Promise<void> | undefined;
  #refreshAgain = false;
  readonly #summaries = new Map<string, KeptSummary>();
  /** The summaries {@link DoraMetricsService.#summaries} holds. */
  #keptWeight = 0;
  #lastStoredAt = 0;
  #unattributedCount:
    | { services: Array<{ service: string; events: number }>; at: number }
    | undefined;
  /** When a read last found a backlog of analyses. */
  #backlogSeenAt = 0;
  /** The stale analyses everywhere, as last read (see #staleEverywhere). */
  #staleSnapshot: { at: number; stale: Map<string, number> } | undefined;
  #staleReading: Promise<Map<string, number>> | undefined;
  /** Whether kept summaries are being summed again after a backlog. */
  #resumming = false;

  /**
   * `catalog` resolves a read's scope with the reader's credentials and,
   * with `auth`, late-arriving events' services with the plugin's own.
   * `refreshDelayMs` is how long the background analysis waits for more
   * batches before a pass (1 s).
   */
  static create(options: {
    store: DoraStore;
    catalog: CatalogService;
    auth: AuthService;
    rules: MetricRules;
    logger: LoggerService;
    refreshDelayMs?: number;
  }) {
    return new DoraMetricsService(options);
  }

  private constructor(options: {
    store: DoraStore;
    catalog: CatalogService;
    auth: AuthService;
    rules: MetricRules;
    logger: LoggerService;
    refreshDelayMs?: number;
  }) {
    this.#refreshDelayMs = options.refreshDelayMs ?? REFRESH_DELAY_MS;
    this.#store = options.store;
    // Members are components: what DORA measures.
    this.#scopes = CatalogScopeResolver.create({ catalog: options.catalog });
    this.#services = DoraServiceIndex.create(options);
    this.#rules = options.rules;
    this.#rulesKey = metricRulesKey(options.rules);
    this.#logger = options.logger;
  }

  /**
   * Adopts this backend's metric rules for the stored analyses, at start.
   * When they changed (`dora.incidentAttributionWindowDays`,
   * `dora.reworkLabels`, or the analysis itself in a new release), every
   * entity is analysed again in the background; meanwhile reads answer
   * from the analyses made so far and say how many are pending. Answers
   * how many entities are analysed again.
   */
  async adoptRules(): Promise<number> {
    const marked = await this.#store.adoptAnalysisRules(this.#rulesKey);
    if (marked > 0) {
      this.#logger.info(
        `DORA metric rules changed: analysing ${marked} entities again in the background`,
      );
      this.#refresh();
    }
    return marked;
  }

  /**
   * Whether this replica's rules are the ones adopted last (or none are):
   * during a rolling deploy that changes them, replicas still on the old
   * rules leave analyses to those on the new, rather than storing verdicts
   * the new rules would not reach.
   */
  async #rulesAdopted(): Promise<boolean> {
    const adopted = await this.#store.analysisRules();
    if (adopted === undefined || adopted === this.#rulesKey) return true;
    if (!this.#otherRulesLogged) {
      this.#otherRulesLogged = true;
      this.#logger.warn(
        'DORA analysis paused on this replica: another replica started with other metric rules (dora.incidentAttributionWindowDays, dora.reworkLabels or a newer release) and analyses with those',
      );
    }
    return false;
  }

  /**
   * After a batch changed stored facts: re-analyses, in the background,
   * every entity whose facts changed (see {@link DoraMetricsService.#refresh});
   * `unattributed` when the batch stored events no component claims.
   */
  refreshSoon(stored?: { unattributed: boolean }): void {
    if (stored?.unattributed) this.#unattributedCount = undefined;
    this.#lastStoredAt = Date.now();
    this.#refresh();
  }

  /**
   * Starts the background analysis unless it runs. A pass starts a moment
   * after the first call, so a burst of batches is analysed once, and
   * works through every entity stale at its start, 100 at a time; calls
   * during a pass make one more pass. While batches keep arriving, each
   * chunk is followed by a pause twice as long as it took, so that ingest
   * and reads keep at least two thirds of the time; once they stop, the
   * backlog is analysed without pauses. After each chunk the day totals
   * it appended are compacted. A failure ends the passes (logged once); the
   * next batch or read starts them again.
   */
  #refresh(): void {
    this.#refreshAgain = true;
    if (this.#refreshing) return;
    this.#refreshing = (async () => {
      try {
        await sleep(this.#refreshDelayMs);
        // Whether a pass analysed something since kept summaries were last
        // summed again.
        let analysed = false;
        while (this.#refreshAgain) {
          this.#refreshAgain = false;
          const stale = [...(await this.#store.staleAnalyses())];
          analysed ||= stale.length > 0;
          // Reads that analysed a few entities themselves left their day
          // totals for a pass that finds nothing stale to compact.
          if (stale.length === 0) await this.#store.compactDayTotals();
          for (let i = 0; i < stale.length; i += ANALYSIS_CHUNK) {
            const started = Date.now();
            await this.#analyse(new Map(stale.slice(i, i + ANALYSIS_CHUNK)));
            // The day totals the chunk appended, compacted: an
            // organisation's read reads about one row a day.
            await this.#store.compactDayTotals();
            if (Date.now() - this.#lastStoredAt < INGEST_ACTIVE_MS) {
              await sleep(2 * (Date.now() - started));
            }
          }
          if (this.#refreshAgain) {
            await sleep(this.#refreshDelayMs);
          } else if (analysed) {
            analysed = false;
            await this.#resumKept();
          }
        }
        // The backlog is analysed: reads that saw it need not take it to
        // be still there (see BACKLOG_MEMORY_MS) and read again what is
        // stale.
        this.#backlogSeenAt = 0;
        this.#staleSnapshot = undefined;
      } catch (error) {
        this.#logger.warn(`DORA analysis refresh failed: ${error}`);
      } finally {
        this.#refreshing = undefined;
      }
    })();
  }

  /** Waits until background analysis is done (benchmark and shutdown). */
  async settled(): Promise<void> {
    while (this.#refreshing) await this.#refreshing;
  }

  /**
   * Before a read: analyses the scope's stale entities when there are few
   * in all (a component or a team just sent to), so the read sees its
   * newest events; when more are stale, in the scope or anywhere (a large
   * ingest under way), they are left to the background pass and the read
   * answers from what is analysed, saying how many are pending, rather
   * than waiting on a backlog. Answers the entities still pending.
   */
  async #analyseFewStale(entityRefs: string[]): Promise<Set<string>> {
    let stale: Map<string, number>;
    let everywhere: Map<string, number> | undefined;
    if (entityRefs.length > LARGE_SCOPE) {
      everywhere = await this.#staleEverywhere();
      stale = new Map();
      for (const ref of entityRefs) {
        const version = everywhere.get(ref);
        if (version !== undefined) stale.set(ref, version);
      }
    } else {
      stale = await this.#store.staleAnalyses(entityRefs);
    }
    if (stale.size === 0) return new Set();
    // While a large ingest is being analysed (a backlog anywhere), a read
    // does not add its own analyses to the queue either. A backlog seen
    // within the last second is taken as still there: during an ingest
    // every read would otherwise ask again.
    if (await this.#backlog(stale, everywhere)) {
      // A pass under way analyses the backlog: the read asks for another
      // only when none runs (new facts ask through refreshSoon), so reads
      // during the backlog neither add passes nor stop the kept summaries
      // from being summed again after it.
      if (!this.#refreshing) this.#refresh();
      return new Set(stale.keys());
    }
    return (await this.#analyse(stale)) ? new Set() : new Set(stale.keys());
  }

  /**
   * Whether more entities are stale than a read analyses itself: in the
   * scope (`stale`) or anywhere (`everywhere`, when the read has it).
   */
  async #backlog(
    stale: Map<string, number>,
    everywhere?: Map<string, number>,
  ): Promise<boolean> {
    if (Date.now() - this.#backlogSeenAt < BACKLOG_MEMORY_MS) return true;
    const backlog =
      stale.size > INLINE_ANALYSIS_LIMIT
        ? stale
        : everywhere ??
          (await this.#store.staleAnalyses(undefined, {
            limit: INLINE_ANALYSIS_LIMIT + 1,
          }));
    if (backlog.size <= INLINE_ANALYSIS_LIMIT) return false;
    this.#backlogSeenAt = Date.now();
    return true;
  }

  /**
   * Every stale analysis in the organisation, for large scopes. While a
   * backlog is being analysed, reads share one reading of it for up to a
   * second (the one under way, or the last), as they take the backlog
   * itself to be still there (see {@link BACKLOG_MEMORY_MS}): they answer
   * from what is analysed anyway. Without a backlog every read reads it
   * afresh, so a read sees the batches stored before it.
   */
  async #staleEverywhere(): Promise<Map<string, number>> {
    const last = this.#staleSnapshot;
    const backlog =
      last !== undefined && last.stale.size > INLINE_ANALYSIS_LIMIT;
    if (backlog && Date.now() - last.at < BACKLOG_MEMORY_MS) return last.stale;
    if (backlog && this.#staleReading) return this.#staleReading;
    const reading = this.#store.staleAnalyses().then(stale => {
      this.#staleSnapshot = { at: Date.now(), stale };
      return stale;
    });
    this.#staleReading = reading;
    try {
      return await reading;
    } finally {
      if (this.#staleReading === reading) this.#staleReading = undefined;
    }
  }

  /**
   * The fingerprint of a scope's analyses (see `analysisFingerprint`); a
   * large scope's is the organisation's, which changes whenever the
   * scope's does (and more often: its kept summaries are summed again
   * when something outside them changed, never kept when they changed).
   */
  #fingerprintOf(entityRefs: string[]): Promise<string> {
    return this.#store.analysisFingerprint(
      entityRefs.length > LARGE_SCOPE ? undefined : entityRefs,
    );
  }

  /**
   * Analyses entities from their facts, each at the version given; answers
   * false, having analysed none, when this replica's rules are not the
   * adopted ones (see {@link DoraMetricsService.#rulesAdopted}).
   */
  async #analyse(stale: Map<string, number>): Promise<boolean> {
    const refs = [...stale.keys()];
    for (let i = 0; i < refs.length; i += ANALYSIS_CHUNK) {
      // Checked after the versions were read: rules adopted since mark
      // versions newer than those given, which this analysis leaves stale.
      if (!(await this.#rulesAdopted())) return false;
      const batch = refs.slice(i, i + ANALYSIS_CHUNK);
      const facts = await this.#store.factsFor({ entityRefs: batch });
      const byRef = new Map<string, ScopeFacts>(
        batch.map(ref => [
          ref,
          { deployments: [], changes: [], incidents: [] },
        ]),
      );
      facts.deployments.forEach(d =>
        byRef.get(d.entityRef!)?.deployments.push(d),
      );
      facts.changes.forEach(c => byRef.get(c.entityRef!)?.changes.push(c));
      facts.incidents.forEach(n => byRef.get(n.entityRef!)?.incidents.push(n));
      for (const [ref, entityFacts] of byRef) {
        await this.#store.replaceAnalyses(
          ref,
          stale.get(ref)!,
          analyseAllEnvironments(entityFacts, this.#rules),
        );
      }
    }
    return true;
  }

  /**
   * The services whose events are unattributed, counted at most once per
   * {@link UNATTRIBUTED_COUNT_TTL_MS} (every read of every scope reports the
   * count: counted per read, it was one statement in ten while an
   * organisation's history poured in and dashboards read); this replica's
   * own unattributed events and attributions count at once, another
   * replica's within that time.
   */
  async #unattributedServices() {
    const counted = this.#unattributedCount;
    if (counted && Date.now() - counted.at < UNATTRIBUTED_COUNT_TTL_MS) {
      return counted.services;
    }
    const services = await this.#store.unattributedServices();
    this.#unattributedCount = { services, at: Date.now() };
    return services;
  }

  /**
   * Attributes events whose service now matches a catalog entity. Asking
   * the catalog costs a listing of every component, so reads do it at most
   * every ten seconds. Reads that arrive during an attribution wait for it,
   * so they all see the same state.
   */
  async #attributeLateArrivals(): Promise<number> {
    await this.#attribution;
    const unattributed = await this.#unattributedServices();
    const total = unattributed.reduce((n, u) => n + u.events, 0);
    if (
      total === 0 ||
      Date.now() - this.#lastAttribution < ATTRIBUTION_INTERVAL_MS
    ) {
      return total;
    }
    this.#lastAttribution = Date.now();
    this.#attribution = this.#attribute(unattributed).catch(error =>
      this.#logger.warn(`DORA late attribution failed: ${error}`),
    );
    await this.#attribution;
    this.#unattributedCount = undefined;
    const remaining = await this.#unattributedServices();
    return remaining.reduce((n, u) => n + u.events, 0);
  }

  async #attribute(
    unattributed: Array<{ service: string; events: number }>,
  ): Promise<void> {
    const resolved = await this.#services.resolveServices(
      unattributed.map(u => u.service),
    );
    for (const { service } of unattributed) {
      const ref = resolved.get(service);
      if (ref) await this.#store.attribute(service, ref);
    }
  }

  /**
   * Resolves a validated scope with the caller's credentials (so the
   * catalog's read rules apply: an entity the caller may not see is a 404,
   * components it may not see are left out) and brings its analyses up to
   * date.
   */
  async #scope(
    scope: ReadScope,
    credentials: BackstageCredentials,
  ): Promise<ResolvedScope> {
    // A component itself, a system's or a group's components (owned by it
    // or any group below), or without an entity ref every component: the
    // organisation; resolved while late arrivals are attributed.
    const [unattributedEvents, covered] = await Promise.all([
      this.#attributeLateArrivals(),
      scope.entityRef === undefined
        ? this.#scopes.organisation({ credentials })
        : this.#scopes.resolve(scope.entityRef, { credentials }),
    ]);
    const entityRefs = covered.members.map(member => member.entityRef);
    const pending = await this.#analyseFewStale(entityRefs);
    const resolved: ResolvedScope = {
      from: scope.from,
      to: scope.to,
      environment: scope.environment,
      entityRefs,
      entityRef: scope.entityRef ?? null,
      unattributedEvents,
      pending,
      analysisPending: pending.size,
      analysisFingerprint: once(() => this.#fingerprintOf(entityRefs)),
      // On the resolved scope itself, not the copies made per window.
      summingAgain: () => {
        entityRefs.forEach(ref => pending.add(ref));
        resolved.analysisPending = pending.size;
      },
    };
    return resolved;
  }

  /**
   * The five metrics of a scope, window and environment; with
   * `previousWindows`, also those of the windows of the same length just
   * before, from the same resolved scope (a comparison in one read).
   */
  async metrics(
    query: MetricsQuery,
    credentials: BackstageCredentials,
  ): Promise<DoraMetrics> {
    rejectUnknownParameters(query, ['previousWindows', 'trend']);
    const scope = parseReadScope(query);
    const before = parsePreviousWindows(query, scope);
    const trendInterval =
      query.trend === undefined
        ? undefined
        : parseInterval(query, scope, DORA_MAX_SERIES_POINTS, 'trend');
    const resolved = await this.#scope(scope, credentials);
    const [[summary, ...previous], intervals] = await Promise.all([
      Promise.all(
        [resolved, ...before.map(window => ({ ...resolved, ...window }))].map(
          window => this.#summary(window),
        ),
      ),
      trendInterval ? this.#intervalsOf(resolved, trendInterval) : undefined,
    ]);
    return {
      ...metricsFromSummary({ ...resolved, summary }),
      ...(trendInterval && intervals
        ? { trend: trendsOf(resolved, trendInterval, intervals) }
        : {}),
      ...(before.length > 0
        ? {
            previous: previous.map((windowSummary, i) =>
              metricsFromSummary({
                ...resolved,
                ...before[i],
                summary: windowSummary,
              }),
            ),
          }
        : {}),
    };
  }

  /**
   * The five metrics of every group of a type the caller can see (every
   * team, by default), each what `metrics` answers for that group: the
   * groups and their components resolved in one pass over the catalog,
   * summed in one statement. The organisation's table of teams costs about
   * what one organisation read costs, not one read per team.
   */
  async groups(
    query: MetricsQuery,
    credentials: BackstageCredentials,
  ): Promise<DoraGroupMetrics> {
    if (query.entityRef !== undefined) {
      throw new InputError(
        'entityRef is not a parameter of the groups read: it answers for every group of a type',
      );
    }
    rejectUnknownParameters(query, ['type', 'previousWindows']);
    const type = parseGroupType(query);
    const scope = parseReadScope(query);
    const before = parsePreviousWindows(query, scope);
    const [unattributedEvents, scopes] = await Promise.all([
      this.#attributeLateArrivals(),
      this.#scopes.groupsOfType(type, { credentials }),
    ]);
    const listed = scopes.slice(0, MAX_GROUPS);
    const memberRefs = listed.map(g => g.members.map(m => m.entityRef));
    const pending = await this.#analyseFewStale([
      ...new Set(memberRefs.flat()),
    ]);
    // The window first, then those before it (previousWindows).
    const windows = [scope, ...before].map(({ from, to }) => ({
      environment: scope.environment,
      from,
      to,
    }));
    const allRefs = [...new Set(memberRefs.flat())];
    const fingerprint = once(() => this.#fingerprintOf(allRefs));
    const perWindow = await Promise.all(
      windows.map(window =>
        this.#kept(
          ['groups', window, memberRefs],
          allRefs,
          pending.size,
          async () =>
            (await this.#store.deploymentSummaries({
              ...window,
              scopes: memberRefs,
            })) ?? (await this.#summariesInNode(window, memberRefs)),
          fingerprint,
          () => allRefs.forEach(ref => pending.add(ref)),
        ),
      ),
    );
    return {
      type,
      environment: scope.environment,
      from: scope.from.toISOString(),
      to: scope.to.toISOString(),
      groups: listed.map((group, i) => {
        const [metrics, ...previous] = windows.map((window, w) =>
          metricsFromSummary({
            ...window,
            summary: perWindow[w][i],
            entityRef: group.entityRef,
            unattributedEvents,
            analysisPending: memberRefs[i].filter(ref => pending.has(ref))
              .length,
          }),
        );
        return {
          entityRef: group.entityRef,
          ...(group.title ? { title: group.title } : {}),
          metrics: previous.length > 0 ? { ...metrics, previous } : metrics,
        };
      }),
      truncated: scopes.length > MAX_GROUPS,
    };
  }

  /** Each scope's summary from one read of all their verdicts (SQLite). */
  async #summariesInNode(
    window: { environment: string; from: Date; to: Date },
    scopes: string[][],
  ): Promise<DeploymentSummary[]> {
    const verdicts = await this.#store.deploymentVerdicts({
      ...window,
      entityRefs: [...new Set(scopes.flat())],
    });
    const byRef = new Map<string, DeploymentVerdict[]>();
    for (const verdict of verdicts) {
      if (!verdict.entityRef) continue;
      if (!byRef.has(verdict.entityRef)) byRef.set(verdict.entityRef, []);
      byRef.get(verdict.entityRef)!.push(verdict);
    }
    return scopes.map(refs =>
      summariseDeployments(
        refs.flatMap(ref => byRef.get(ref) ?? []),
        window.from,
        window.to,
      ),
    );
  }

  /**
   * The summary of a resolved scope's analysed deployments; a large scope
   * (an organisation's year is hundreds of thousands of deployments) keeps
   * it (see {@link DoraMetricsService.#kept}).
   */
  async #summary(resolved: {
    entityRefs: string[];
    environment: string;
    from: Date;
    to: Date;
    analysisPending: number;
    analysisFingerprint: () => Promise<string>;
    summingAgain: () => void;
  }): Promise<DeploymentSummary> {
    return this.#keptIfLarge(
      [resolved.from.toISOString(), resolved.to.toISOString()],
      resolved,
      () => this.#sum(resolved),
    );
  }

  /**
   * `sum` of a resolved scope, kept under `request` (with the scope's
   * environment and members) when the scope has at least
   * {@link KEPT_SUMMARY_MIN_MEMBERS} components; a smaller one sums at once.
   */
  async #keptIfLarge<T extends Summed>(
    request: unknown[],
    resolved: {
      entityRefs: string[];
      environment: string;
      analysisPending: number;
      analysisFingerprint: () => Promise<string>;
      summingAgain: () => void;
    },
    sum: () => Promise<T>,
  ): Promise<T> {
    if (resolved.entityRefs.length < KEPT_SUMMARY_MIN_MEMBERS) return sum();
    return this.#kept(
      [...request, resolved.environment, [...resolved.entityRefs].sort()],
      resolved.entityRefs,
      resolved.analysisPending,
      sum,
      resolved.analysisFingerprint,
      resolved.summingAgain,
    );
  }

  /**
   * A summary kept under `request` with the fingerprint of the analyses
   * of `entityRefs` (`fingerprintOf` reads it): unchanged, the kept one is
   * exact and answers at once. While analysis is pending (an ingest under
   * way, when every answer lags anyway), a kept one up to
   * {@link KEPT_SUMMARY_MAX_AGE_MS} old answers at once, and the read
   * checks its analyses in the background (at most every
   * {@link KEPT_SUMMARY_CHECK_MS}) and sums it again there if they
   * changed, once at a time; an older one is checked and summed again in
   * the background at once, and answers, its members pending, unless that
   * is done within {@link KEPT_SUMMARY_WAIT_MS}. Once a backlog is
   * analysed, while the background sums the kept summaries again (see
   * {@link DoraMetricsService.#resumKept}: seconds for an organisation's
   * year), a kept one known exact within
   * {@link KEPT_SUMMARY_RESUM_READ_MS} answers at once, and `summingAgain`
   * marks the read's members as pending, so the read says it lags instead
   * of waiting on that work. Otherwise the read sums, and a background
   * re-sum of the same scope waits for it.
   */
  async #kept<T extends Summed>(
    request: unknown,
    entityRefs: string[],
    analysisPending: number,
    sum: () => Promise<T>,
    fingerprintOf: () => Promise<string>,
    summingAgain: () => void,
  ): Promise<T> {
    const key = createHash('sha256')
      .update(JSON.stringify(request))
      .digest('base64');
    const kept = this.#summaries.get(key);
    if (kept) kept.readAt = Date.now();
    if (kept && analysisPending > 0) {
      if (Date.now() - kept.at < KEPT_SUMMARY_MAX_AGE_MS) {
        this.#checkInBackground(key, kept, fingerprintOf);
        return kept.summary as T;
      }
      const asked = Date.now();
      const refreshed = await Promise.race([
        this.#refreshKept(key, kept, fingerprintOf).then(() => true),
        sleep(KEPT_SUMMARY_WAIT_MS).then(() => false),
      ]);
      const latest = this.#summaries.get(key);
      if (refreshed && latest && latest.at >= asked) {
        return latest.summary as T;
      }
      summingAgain();
      return kept.summary as T;
    }
    const fingerprint = await fingerprintOf();
    // Another read's sum may have been kept meanwhile.
    const latest = this.#summaries.get(key);
    if (latest?.fingerprint === fingerprint) {
      latest.at = Date.now();
      return latest.summary as T;
    }
    if (
      latest &&
      analysisPending === 0 &&
      this.#resumming &&
      Date.now() - latest.at < KEPT_SUMMARY_RESUM_READ_MS
    ) {
      summingAgain();
      return latest.summary as T;
    }
    if (latest?.summing && analysisPending === 0) {
      await latest.summing;
      const summed = this.#summaries.get(key);
      if (summed?.fingerprint === fingerprint) return summed.summary as T;
    }
    const toKeep = { entityRefs, sum, readAt: Date.now() };
    const summed = this.#sumAndKeep(key, toKeep, fingerprint);
    // The background re-sum after a backlog waits for this one rather than
    // summing the same scope again.
    if (latest && !latest.summing) this.#markSumming(latest, summed);
    return (await summed) as T;
  }

  async #sumAndKeep(
    key: string,
    toKeep: Pick<KeptSummary, 'entityRefs' | 'sum' | 'readAt'>,
    fingerprint: string,
  ): Promise<Summed> {
    const summary = await toKeep.sum();
    this.#keepSummary(key, {
      entityRefs: toKeep.entityRefs,
      sum: toKeep.sum,
      readAt: toKeep.readAt,
      fingerprint,
      at: Date.now(),
      checkedAt: Date.now(),
      summary,
    });
    return summary;
  }

  /**
   * Whether `kept`'s analyses changed, checked in the background unless a
   * check or sum runs already or one was made lately; changed, it is summed
   * again there, unchanged it is known exact as of now.
   */
  #checkInBackground(
    key: string,
    kept: KeptSummary,
    fingerprintOf: () => Promise<string>,
  ) {
    if (kept.summing || Date.now() - kept.checkedAt < KEPT_SUMMARY_CHECK_MS) {
      return;
    }
    void this.#refreshKept(key, kept, fingerprintOf);
  }

  /**
   * Checks whether `kept`'s analyses changed and, if they did, sums it
   * again, unless a check or sum of it runs already; settles when that
   * work does (a failure is logged). Unchanged, it is known exact as of
   * the check.
   */
  #refreshKept(
    key: string,
    kept: KeptSummary,
    fingerprintOf: () => Promise<string>,
  ): Promise<void> {
    if (kept.summing) return kept.summing;
    kept.checkedAt = Date.now();
    return this.#markSumming(
      kept,
      (async () => {
        const checkedAt = Date.now();
        const fingerprint = await fingerprintOf();
        if (fingerprint === kept.fingerprint) {
          kept.at = checkedAt;
        } else {
          await this.#sumAndKeep(key, kept, fingerprint);
        }
      })().catch(error =>
        this.#logger.warn(`DORA summary refresh failed: ${error}`),
      ),
    );
  }

  /** Sums `kept` again unless that runs already; failures are logged. */
  #sumInBackground(key: string, kept: KeptSummary, fingerprint: string) {
    return (
      kept.summing ??
      this.#markSumming(
        kept,
        this.#sumAndKeep(key, kept, fingerprint).catch(error =>
          this.#logger.warn(`DORA summary refresh failed: ${error}`),
        ),
      )
    );
  }

  /** `kept` is being summed until `sum` settles, however it ends. */
  #markSumming(kept: KeptSummary, sum: Promise<unknown>): Promise<void> {
    kept.summing = sum
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        kept.summing = undefined;
      });
    return kept.summing;
  }

  /**
   * After a backlog was analysed: sums again, one at a time, the kept
   * summaries read lately whose analyses changed, so the first read after
   * an ingest finds its scope's year summed instead of summing it. The
   * smallest scopes first: a team's take milliseconds and a department's a
   * fraction of a second, so most scopes are current within seconds, and
   * an organisation's teams (seconds) come last. Stops when new facts
   * arrive: the pass that analyses them does this again.
   */
  async #resumKept(): Promise<void> {
    this.#resumming = true;
    try {
      await this.#resumKeptRead();
    } finally {
      this.#resumming = false;
    }
  }

  async #resumKeptRead(): Promise<void> {
    const readSince = Date.now() - KEPT_SUMMARY_RESUM_READ_MS;
    const keys = [...this.#summaries]
      .filter(([, kept]) => kept.readAt >= readSince)
      .sort(([, a], [, b]) => b.readAt - a.readAt)
      .slice(0, KEPT_SUMMARIES_RESUMMED)
      .sort(([, a], [, b]) => a.entityRefs.length - b.entityRefs.length)
      .map(([key]) => key);
    for (const key of keys) {
      if (this.#refreshAgain) return;
      let kept = this.#summaries.get(key);
      // A sum a read started while analysis was pending: its fingerprint
      // may already be old.
      while (kept?.summing) {
        await kept.summing;
        kept = this.#summaries.get(key);
      }
      if (!kept) continue;
      const fingerprint = await this.#fingerprintOf(kept.entityRefs);
      if (fingerprint !== kept.fingerprint) {
        await this.#sumInBackground(key, kept, fingerprint);
      }
    }
  }

  /**
   * Sums in the database where it can, else (SQLite, the local default's
   * small organisation) from the verdicts.
   */
  async #sum(resolved: {
    entityRefs: string[];
    environment: string;
    from: Date;
    to: Date;
  }): Promise<DeploymentSummary> {
    return (
      (await this.#store.deploymentSummary(resolved)) ??
      summariseDeployments(
        await this.#store.deploymentVerdicts(resolved),
        resolved.from,
        resolved.to,
      )
    );
  }

  #keepSummary(key: string, summary: KeptSummary) {
    const previous = this.#summaries.get(key);
    if (previous) {
      this.#summaries.delete(key);
      this.#keptWeight -= keptWeight(previous);
    }
    const weight = keptWeight(summary);
    if (weight > KEPT_SUMMARY_BUDGET / 4) return;
    // The least recently kept first: a Map iterates in insertion order.
    for (const [oldKey, old] of this.#summaries) {
      if (this.#keptWeight + weight <= KEPT_SUMMARY_BUDGET) break;
      this.#summaries.delete(oldKey);
      this.#keptWeight -= keptWeight(old);
    }
    this.#summaries.set(key, summary);
    this.#keptWeight += weight;
  }

  /** The metrics of each component of a scope, for ranking services. */
  async breakdown(
    query: MetricsQuery,
    credentials: BackstageCredentials,
  ): Promise<DoraBreakdown> {
    rejectUnknownParameters(query);
    const resolved = await this.#scope(parseReadScope(query), credentials);
    const window = {
      environment: resolved.environment,
      from: resolved.from,
      to: resolved.to,
    };
    // Each component a scope of its own, summed in one statement (on
    // PostgreSQL; elsewhere from one read of the scope's deployments), and
    // kept like the scope's own summary.
    const scopes = resolved.entityRefs.map(ref => [ref]);
    const summaries = await this.#keptIfLarge(
      ['breakdown', window.from.toISOString(), window.to.toISOString()],
      resolved,
      async () =>
        (await this.#store.deploymentSummaries({ ...window, scopes })) ??
        (await this.#summariesInNode(window, scopes)),
    );
    return {
      entityRef: resolved.entityRef,
      environment: resolved.environment,
      from: resolved.from.toISOString(),
      to: resolved.to.toISOString(),
      services: resolved.entityRefs
        .map((entityRef, i) => ({ entityRef, summary: summaries[i] }))
        // Without a scope, only components with deployments are ranked.
        .filter(({ summary }) => resolved.entityRef || summary.deployments > 0)
        .map(({ entityRef, summary }) => ({
          entityRef,
          metrics: metricsFromSummary({
            ...resolved,
            summary,
            entityRef,
            analysisPending: resolved.pending.has(entityRef) ? 1 : 0,
          }),
        })),
    };
  }

  /** One metric's headline value per interval of the window. */
  async series(
    query: MetricsQuery,
    credentials: BackstageCredentials,
  ): Promise<DoraSeries> {
    rejectUnknownParameters(query, ['metric', 'interval']);
    const scope = parseReadScope(query);
    const { metric, interval } = parseSeriesRequest(query, scope);
    const { loaded, intervals } = await this.#intervals(
      scope,
      interval,
      credentials,
    );
    return {
      entityRef: loaded.entityRef,
      environment: loaded.environment,
      metric,
      interval,
      points: intervals.map(({ start, end, metrics }) => ({
        start,
        end,
        ...headline(metrics, metric),
      })),
    };
  }

  /**
   * The five metrics' headline values per interval of the window, from one
   * read of the scope's deployments: each point is what `series` answers
   * for that metric.
   */
  async trends(
    query: MetricsQuery,
    credentials: BackstageCredentials,
  ): Promise<DoraTrends> {
    rejectUnknownParameters(query, ['interval']);
    const scope = parseReadScope(query);
    const interval = parseInterval(query, scope);
    const { loaded, intervals } = await this.#intervals(
      scope,
      interval,
      credentials,
    );
    return trendsOf(loaded, interval, intervals);
  }

  /** The metrics of each interval of a scope's window (see #intervalsOf). */
  async #intervals(
    scope: ReadScope,
    interval: SeriesInterval,
    credentials: BackstageCredentials,
  ) {
    const resolved = await this.#scope(scope, credentials);
    return {
      loaded: resolved,
      intervals: await this.#intervalsOf(resolved, interval),
    };
  }

  /**
   * The metrics of each interval of a resolved scope's window: an
   * organisation's from one read of its day totals (as its `metrics` is),
   * any other scope from one read of its deployments. A large scope keeps
   * its intervals' summaries as it keeps its window's (see
   * {@link DoraMetricsService.#kept}): a department's weekly trend over a
   * year sums tens of thousands of deployments.
   */
  async #intervalsOf(resolved: ResolvedScope, interval: SeriesInterval) {
    const bounds: Array<{ from: Date; to: Date }> = [];
    for (let start = resolved.from; start < resolved.to; ) {
      const next = nextBoundary(start, interval);
      const end = next < resolved.to ? next : resolved.to;
      bounds.push({ from: start, to: end });
      start = end;
    }
    const sum = async () =>
      (await this.#store.intervalSummaries({
        ...resolved,
        intervals: bounds,
      })) ?? (await this.#intervalSummariesInNode(resolved, bounds));
    const summaries = await this.#keptIfLarge(
      [
        'intervals',
        bounds.map(b => [b.from.toISOString(), b.to.toISOString()]),
      ],
      resolved,
      sum,
    );
    return bounds.map((bound, i) => ({
      start: bound.from.toISOString(),
      end: bound.to.toISOString(),
      metrics: metricsFromSummary({
        ...resolved,
        ...bound,
        summary: summaries[i],
      }),
    }));
  }

  /**
   * Each interval's summary from one read of the scope's verdicts (SQLite):
   * sorted once, each interval takes its slice, linear in deployments plus
   * intervals, however many intervals the (bounded) window has.
   */
  async #intervalSummariesInNode(
    resolved: ResolvedScope,
    bounds: Array<{ from: Date; to: Date }>,
  ): Promise<DeploymentSummary[]> {
    const deployments = [
      ...(await this.#store.deploymentVerdicts(resolved)),
    ].sort((a, b) => a.finishedAt - b.finishedAt);
    let first = 0;
    return bounds.map(bound => {
      while (
        first < deployments.length &&
        deployments[first].finishedAt < bound.from.getTime()
      ) {
        first++;
      }
      let last = first;
      while (
        last < deployments.length &&
        deployments[last].finishedAt < bound.to.getTime()
      ) {
        last++;
      }
      const slice = deployments.slice(first, last);
      first = last;
      return summariseDeployments(slice, bound.from, bound.to);
    });
  }

  /**
   * One page of the deployments behind the numbers, newest first; the page
   * is read from the database, not cut from the whole window.
   */
  async deploymentPage(
    query: MetricsQuery,
    credentials: BackstageCredentials,
  ): Promise<DoraDeploymentPage> {
    rejectUnknownParameters(query, ['filter', 'limit', 'cursor']);
    const scope = parseReadScope(query);
    const filter = parseDeploymentFilter(query);
    const { limit, offset } = parsePage(query);
    const resolved = await this.#scope(scope, credentials);
    const { items, totalItems } = await this.#store.analysedDeploymentPage({
      ...resolved,
      filter,
      limit,
      offset,
    });
    const next = offset + limit;
    return {
      items,
      totalItems,
      nextCursor: next < totalItems ? cursorFor(next) : undefined,
    };
  }

  /**
   * The drill-down of a scope and window as CSV, one line per deployment,
   * in chunks: the request is checked and its scope resolved first (so a
   * bad one is refused before anything is sent), then the rows are read in
   * batches, so memory stays bounded however long the window.
   */
  async deploymentsCsv(
    query: MetricsQuery,
    credentials: BackstageCredentials,
  ): Promise<AsyncIterable<string>> {
    rejectUnknownParameters(query, ['filter']);
    const scope = parseReadScope(query);
    const filter = parseDeploymentFilter(query);
    const resolved = await this.#scope(scope, credentials);
    const store = this.#store;
    return (async function* csvChunks() {
      yield deploymentsCsvHeader();
      let after: AnalysedDeploymentKey | undefined;
      do {
        const batch = await store.analysedDeploymentsAfter({
          ...resolved,
          filter,
          limit: CSV_BATCH_SIZE,
          after,
        });
        if (batch.items.length > 0) yield deploymentsCsvLines(batch.items);
        after = batch.next;
      } while (after);
    })();
  }

  /**
   * Delivery split by AI-assisted changes and the others, from the scope's
   * analysed deployments in the window (the newest 20,000 at most).
   */
  async aiSplit(query: MetricsQuery, credentials: BackstageCredentials) {
    rejectUnknownParameters(query);
    const scope = parseReadScope(query);
    const resolved = await this.#scope(scope, credentials);
    const rows: DoraDeploymentRow[] = [];
    let after: AnalysedDeploymentKey | undefined;
    do {
      const batch = await this.#store.analysedDeploymentsAfter({
        ...resolved,
        filter: 'with-changes',
        limit: CSV_BATCH_SIZE,
        after,
      });
      rows.push(...batch.items);
      after = batch.next;
    } while (after && rows.length < AI_SPLIT_MAX_DEPLOYMENTS);
    return {
      entityRef: resolved.entityRef,
      environment: resolved.environment,
      from: resolved.from.toISOString(),
      to: resolved.to.toISOString(),
      ...aiSplit(rows),
      truncated: after !== undefined,
    };
  }

  async unattributed() {
    await this.#attributeLateArrivals();
    return this.#unattributedServices();
  }
}

/** Every successful deployment of one entity, analysed per environment. */
function analyseAllEnvironments(
  facts: ScopeFacts,
  rules: MetricRules,
): DeploymentRow[] {
  const environments = new Set(facts.deployments.map(d => d.environment));
  return [...environments].flatMap(environment =>
    analyseDeployments(
      {
        deployments: facts.deployments.filter(
          d => d.environment === environment,
        ),
        changes: facts.changes,
        incidents: facts.incidents.filter(i => i.environment === environment),
      },
      ALL_TIME.from,
      ALL_TIME.to,
      rules,
    ).map(toDeploymentRow),
  );
}

const HEX_SHA = /^[0-9a-f]{4,64}$/i;

/** A commit SHA as the export writes it: hex only, anything else left empty. */
function hexSha(sha: string): string {
  return HEX_SHA.test(sha) ? sha.toLowerCase() : '';
}

const csvColumns = [
  'deployment_id',
  'source',
  'service',
  'entity_ref',
  'environment',
  'finished_at',
  'commit_sha',
  'delivered_changes',
  'median_lead_time_seconds',
  'failed',
  'failure_rules',
  'recovery_seconds',
  'rollback',
  'rework',
  'rework_reasons',
  'incidents',
];

/** The export's header line. */
export function deploymentsCsvHeader(): string {
  return toCsv(csvColumns, []);
}

/**
 * Drill-down rows as CSV lines, without the header. Names, ids and messages
 * come from pipelines and the catalog, which other teams write, so every
 * cell goes through the shared spreadsheet-safe writer.
 */
export function deploymentsCsvLines(rows: DeploymentRow[]): string {
  const csv = toCsv(
    csvColumns,
    rows.map(row => {
      const leads = row.delivered
        .flatMap(d =>
          d.leadTimeSeconds !== undefined ? [d.leadTimeSeconds] : [],
        )
        .sort((a, b) => a - b);
      return [
        row.id,
        row.source,
        row.service,
        row.entityRef,
        row.environment,
        row.finishedAt,
        hexSha(row.commitSha),
        row.delivered.length,
        percentile(leads, 0.5),
        row.failed,
        row.failure.map(f => f.rule).join(' '),
        row.recoverySeconds,
        row.rollback,
        row.rework,
        row.reworkReasons.join(' '),
        row.incidents.map(i => `${i.relation}:${i.id}`).join(' '),
      ];
    }),
  );
  return csv.slice(deploymentsCsvHeader().length);
}

/** The drill-down as one CSV document, header included. */
export function deploymentsToCsv(rows: DeploymentRow[]): string {
  return deploymentsCsvHeader() + deploymentsCsvLines(rows);
}
