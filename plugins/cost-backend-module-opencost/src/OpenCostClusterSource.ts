import type { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import {
  addDays,
  type CostRecord,
  DAY_MS,
  dayStart,
  formatDay,
} from '@paved/plugin-cost-common';
import type { CostRecordSink, CostSource } from '@paved/plugin-cost-node';
import type { OpenCostClusterConfig } from './config';
import { OpenCostAllocationSet, OpenCostClient } from './OpenCostClient';
import { allocationToRecord } from './mapAllocation';

/** Days per request; each is still stored on its own. */
const DAYS_PER_REQUEST = 10;

/**
 * How long a run started before the cost backend connected waits for it.
 * The pull task is scheduled while the backend starts, and its first run
 * can come before the cost plugin has connected its sources.
 */
const CONNECT_WAIT_MS = 60_000;

export interface PullSummary {
  stored: string[];
  failed: string[];
  skippedFinal: number;
}

/**
 * One cluster's OpenCost as a cost source. Each run pulls every day of the
 * backfill window that the sink does not hold as final, one request per run
 * of consecutive days (step 1d), and replaces the run's days in one call —
 * one for the days that are final (ended `finalAfterHours` ago), one for
 * the others. A day that fails is logged and left as it was, to be pulled
 * again on the next run; the other days of its run are still stored.
 */
export class OpenCostClusterSource implements CostSource {
  readonly id: string;
  readonly #cluster: OpenCostClusterConfig;
  readonly #client: OpenCostClient;
  readonly #logger: LoggerService;
  readonly #backfillDays: number;
  readonly #finalAfterMs: number;
  readonly #now: () => Date;
  /** This run's failed days, by reason. */
  readonly #failures = new Map<string, string[]>();
  #sink?: CostRecordSink;
  #connected: (sink: CostRecordSink) => void = () => {};
  readonly #connection = new Promise<CostRecordSink>(resolve => {
    this.#connected = resolve;
  });

  static create(options: {
    cluster: OpenCostClusterConfig;
    logger: LoggerService;
    backfillDays: number;
    finalAfterHours: number;
    now?: () => Date;
  }) {
    return new OpenCostClusterSource(options);
  }

  private constructor(options: {
    cluster: OpenCostClusterConfig;
    logger: LoggerService;
    backfillDays: number;
    finalAfterHours: number;
    now?: () => Date;
  }) {
    this.#cluster = options.cluster;
    this.id = `opencost:${options.cluster.name}`;
    this.#client = OpenCostClient.create(options.cluster);
    this.#logger = options.logger;
    this.#backfillDays = options.backfillDays;
    this.#finalAfterMs = options.finalAfterHours * 3_600_000;
    this.#now = options.now ?? (() => new Date());
  }

  async connect(sink: CostRecordSink): Promise<void> {
    this.#sink = sink;
    this.#connected(sink);
  }

  /** The sink, waiting a bounded while for the cost backend to connect. */
  async #waitForSink(
    signal: AbortSignal | undefined,
    waitMs: number,
  ): Promise<CostRecordSink | undefined> {
    if (this.#sink) return this.#sink;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const givenUp = new Promise<undefined>(resolve => {
      timer = setTimeout(() => resolve(undefined), waitMs);
      onAbort = () => resolve(undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.#connection, givenUp]);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  async pull(
    signal?: AbortSignal,
    options: { connectWaitMs?: number } = {},
  ): Promise<PullSummary> {
    const summary: PullSummary = { stored: [], failed: [], skippedFinal: 0 };
    this.#failures.clear();
    const sink = await this.#waitForSink(
      signal,
      options.connectWaitMs ?? CONNECT_WAIT_MS,
    );
    if (!sink) {
      this.#logger.info(
        `OpenCost ${
          this.#cluster.name
        }: the cost backend has not connected its sources; pulling next run`,
      );
      return summary;
    }
    const now = this.#now().getTime();
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const first = today - (this.#backfillDays - 1) * DAY_MS;
    const final = await sink.finalDays(
      this.id,
      formatDay(first),
      formatDay(today + DAY_MS),
    );
    const pending: string[] = [];
    for (let d = first; d <= today; d += DAY_MS) {
      if (final.has(formatDay(d))) summary.skippedFinal += 1;
      else pending.push(formatDay(d));
    }
    // The pending days are formatDay's, so each has a start.
    const isFinal = (day: string) =>
      dayStart(day)! + DAY_MS + this.#finalAfterMs <= now;
    // One batch: the pools of the pulled days are rewritten once, after
    // the last run, not after each of them.
    try {
      await this.#pullInto(sink, pending, isFinal, summary, signal);
    } catch (e) {
      if (!isImportRunning(e)) throw e;
      // Another replica's run of this cluster (one that outlived its task
      // timeout) is storing it: its rows stand, this run stores nothing
      // more, and the days are pulled again next run.
      this.#logger.info(
        `OpenCost ${this.#cluster.name}: ${
          (e as Error).message
        }; pulling the remaining days next run`,
      );
    }
    this.#logFailures();
    this.#logger.info(
      `OpenCost ${this.#cluster.name}: stored ${
        summary.stored.length
      } day(s), ${summary.failed.length} failed, ${
        summary.skippedFinal
      } already final`,
    );
    return summary;
  }

  async #pullInto(
    sink: CostRecordSink,
    pending: string[],
    isFinal: (day: string) => boolean,
    summary: PullSummary,
    signal?: AbortSignal,
  ) {
    await sink.batch(async batched => {
      for (const run of consecutiveRuns(pending, DAYS_PER_REQUEST)) {
        if (signal?.aborted) break;
        let sets: OpenCostAllocationSet[] | undefined;
        try {
          sets = await this.#fetchDays(run, signal);
        } catch (e) {
          if (run.length === 1) {
            this.#fail(summary, run[0], e);
            continue;
          }
        }
        if (!sets) {
          // Find out which days fail; the others are still stored.
          await this.#storeEach(summary, run, signal, async day =>
            this.#store(
              batched,
              [day],
              await this.#fetchDays([day], signal),
              isFinal(day),
            ),
          );
          continue;
        }
        // One replace per part of the run that is final or not; if a part
        // fails, its days one by one, so only the bad day is left as it was.
        const setOf = new Map(run.map((day, i) => [day, sets[i]]));
        for (const part of splitWhere(run, isFinal)) {
          if (signal?.aborted) break;
          try {
            await this.#store(
              batched,
              part,
              part.map(day => setOf.get(day)!),
              isFinal(part[0]),
            );
            summary.stored.push(...part);
          } catch (e) {
            if (isImportRunning(e)) throw e;
            if (part.length === 1) this.#fail(summary, part[0], e);
            else {
              await this.#storeEach(summary, part, signal, day =>
                this.#store(batched, [day], [setOf.get(day)!], isFinal(day)),
              );
            }
          }
        }
      }
    });
  }

  async #fetchDays(days: string[], signal?: AbortSignal) {
    // The days of a run are formatDay's, so each has a start.
    const start = dayStart(days[0])!;
    const end = dayStart(days[days.length - 1])! + DAY_MS;
    const sets = await this.#client.allocation(
      {
        start: new Date(start).toISOString(),
        end: new Date(end).toISOString(),
        step: '1d',
        aggregate: this.#cluster.aggregate,
      },
      signal,
    );
    if (sets.length !== days.length) {
      throw new Error(
        `OpenCost answered ${sets.length} daily set(s) for ${days.length} day(s)`,
      );
    }
    return sets;
  }

  async #storeEach(
    summary: PullSummary,
    days: string[],
    signal: AbortSignal | undefined,
    store: (day: string) => Promise<void>,
  ) {
    for (const day of days) {
      if (signal?.aborted) break;
      try {
        await store(day);
        summary.stored.push(day);
      } catch (e) {
        if (isImportRunning(e)) throw e;
        this.#fail(summary, day, e);
      }
    }
  }

  /** Replaces consecutive days with their allocation sets, in one call. */
  async #store(
    sink: CostRecordSink,
    days: string[],
    sets: OpenCostAllocationSet[],
    final: boolean,
  ) {
    const records: CostRecord[] = [];
    for (const [i, day] of days.entries()) {
      for (const allocation of Object.values(sets[i])) {
        if (
          allocation?.window?.start &&
          formatDay(Date.parse(allocation.window.start)) !== day
        ) {
          throw new Error(
            `allocation ${allocation.name} is for ${allocation.window.start}, not ${day}`,
          );
        }
        records.push(allocationToRecord(allocation, day, this.#cluster.name));
      }
    }
    await sink.replace({
      source: this.id,
      from: days[0],
      to: addDays(days[days.length - 1], 1),
      records,
      final,
      description: `OpenCost ${withoutCredentials(this.#cluster.baseUrl)}`,
    });
  }

  /** Notes a day that could not be pulled; `pull` logs them together. */
  #fail(summary: PullSummary, day: string, error: unknown) {
    summary.failed.push(day);
    const reason = (error as Error)?.message ?? String(error);
    this.#failures.set(reason, [...(this.#failures.get(reason) ?? []), day]);
  }

  /**
   * One warning per distinct reason a run's days failed (an unreachable
   * OpenCost fails every day of the backfill the same way), naming the
   * days, instead of one line per day and run.
   */
  #logFailures() {
    for (const [reason, days] of this.#failures) {
      const named =
        days.length <= 3
          ? days.join(', ')
          : `${days[0]} and ${days.length - 1} more days to ${
              days[days.length - 1]
            }`;
      this.#logger.warn(
        `OpenCost ${
          this.#cluster.name
        }: could not pull ${named}, retrying next run: ${reason}`,
      );
    }
    this.#failures.clear();
  }
}

/** The sink's answer while another import of the source is being stored. */
function isImportRunning(error: unknown) {
  return isError(error) && error.name === 'ConflictError';
}

/** Splits days where `test` changes its answer. */
function splitWhere(days: string[], test: (day: string) => boolean) {
  const parts: string[][] = [];
  for (const [i, day] of days.entries()) {
    if (i > 0 && test(day) === test(days[i - 1])) {
      parts[parts.length - 1].push(day);
    } else parts.push([day]);
  }
  return parts;
}

/** Splits sorted days into runs of consecutive days, at most `max` long. */
function consecutiveRuns(days: string[], max: number): string[][] {
  const runs: string[][] = [];
  for (const day of days) {
    const run = runs[runs.length - 1];
    if (run && run.length < max && addDays(run[run.length - 1], 1) === day) {
      run.push(day);
    } else {
      runs.push([day]);
    }
  }
  return runs;
}

/** The URL as shown on the sources list: never with a user or password in it. */
function withoutCredentials(url: string) {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/+$/, '');
  } catch {
    return '(invalid URL)';
  }
}
