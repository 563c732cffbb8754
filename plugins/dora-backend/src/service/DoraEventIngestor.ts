import { createHash } from 'node:crypto';
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  parseDoraEventBatch,
  type DoraAliasConflict,
  type DoraEvent,
  type DoraEventProblem,
} from '@paved/plugin-dora-common';
import type { DoraEventSink, DoraIngestResult } from '@paved/plugin-dora-node';
import type { DoraStore, ResolvedDoraEvent } from '../database/DoraStore';
import { DoraServiceIndex } from '../catalog/DoraServiceIndex';

type Problem = DoraEventProblem;

/**
 * A batch that failed validation; nothing from it was stored. An
 * `InputError` (so the API answers 400) whose message names the first
 * problem; Backstage's error handler serialises its `problems`, so the
 * client finds every one in `error.problems`.
 */
export class DoraBatchRejectedError extends InputError {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    const [first] = problems;
    const where = first.index >= 0 ? `events[${first.index}].` : '';
    super(
      `The batch was rejected; nothing was stored: ${where}${first.field}: ${
        first.message
      }${
        problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''
      }`,
    );
    this.problems = problems;
  }
}

/** Source names Paved's own sources store under, registered or not. */
export const RESERVED_DORA_SOURCES = ['github', 'demo'];

/** What a caller of the event API may add to its source: `<caller>#<label>`. */
const SOURCE_LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** The longest stored source (the column's width). */
const MAX_SOURCE_LENGTH = 200;

/**
 * Batches validated and stored at once on a replica, and the events they
 * may hold together; more wait their turn, so reads arriving during a
 * backfill queue behind about a thousand events, not behind every
 * sender's batch. A batch larger than that is stored alone. Measured at
 * 5,000 services (e2e-tests/scale/README.md): a backfill's department-day
 * batches (~430 events) gave faster reads two at a time than three, and as
 * many events a second; CI's team-day batches (~44 events) stored four at a
 * time instead of two gave 3,546 events/s instead of 2,650 beside readers
 * that never pause, every read still within its target.
 */
const CONCURRENT_BATCHES = 4;
const CONCURRENT_EVENTS = 1_000;

/**
 * The source an event API caller's facts are stored under: its user entity
 * ref, or `service:<subject>` for a service token. Neither can equal a
 * server-side source (those have no `:`), nor another caller's; `#` and `%`
 * in a subject are escaped so that only a label adds a `#`.
 */
export function callerSource(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  let caller: string;
  if (principal.userEntityRef) {
    caller = principal.userEntityRef;
  } else if (principal.subject) {
    caller = `service:${principal.subject.replace(
      /[%#]/g,
      c => `%${c.charCodeAt(0).toString(16)}`,
    )}`;
  } else {
    throw new Error('DORA events need a user or service caller');
  }
  // A very long identity (some JWKS subjects) keeps a readable prefix and a
  // digest, so every caller still has a source of its own.
  if (caller.length > 120) {
    const digest = createHash('sha256').update(caller).digest('hex');
    caller = `${caller.slice(0, 55)}~${digest}`;
  }
  return caller;
}

/**
 * The one ingestion path for the event API and every event source:
 * validate the whole batch, resolve services to catalog components, store
 * idempotently and atomically.
 *
 * - Server-side sources (modules, through `ingest`) store under their own
 *   source name, which may not contain `:`.
 * - The event API (`ingestFromCaller`) stores under the caller's identity,
 *   optionally suffixed with a `source` label (`<caller>#<label>`); a label
 *   naming a server-side source is refused. So a caller can never change
 *   another caller's or a server-side source's facts.
 */
export class DoraEventIngestor implements DoraEventSink {
  readonly #store: DoraStore;
  readonly #services: DoraServiceIndex;
  readonly #onStored: (stored: { unattributed: boolean }) => void;
  readonly #reserved: Set<string>;
  readonly #logger?: LoggerService;
  #storing = 0;
  #storingEvents = 0;
  /** Batches waiting their turn, and how many events each holds. */
  readonly #waiting: Array<{ size: number; start: () => void }> = [];

  /**
   * `catalog` and `auth` resolve each event's service to a component, with
   * the plugin's own credentials; `onStored` runs after a batch changed
   * stored facts (e.g. re-analysis), saying whether it stored events no
   * component claims; `reservedSources` are the ids of the
   * registered sources (added to `RESERVED_DORA_SOURCES`); `logger` hears
   * when the catalog could not be asked.
   */
  static create(options: {
    store: DoraStore;
    catalog: CatalogService;
    auth: AuthService;
    onStored?: (stored: { unattributed: boolean }) => void;
    reservedSources?: string[];
    logger?: LoggerService;
  }) {
    return new DoraEventIngestor(
      options.store,
      DoraServiceIndex.create(options),
      options.onStored ?? (() => {}),
      [...RESERVED_DORA_SOURCES, ...(options.reservedSources ?? [])],
      options.logger,
    );
  }

  private constructor(
    store: DoraStore,
    services: DoraServiceIndex,
    onStored: (stored: { unattributed: boolean }) => void,
    reserved: string[],
    logger?: LoggerService,
  ) {
    this.#store = store;
    this.#services = services;
    this.#onStored = onStored;
    this.#reserved = new Set(reserved.map(s => s.toLocaleLowerCase('en-US')));
    this.#logger = logger;
  }

  /** A server-side source's batch, stored under `source` (or each event's own). */
  async ingest(source: string, events: unknown): Promise<DoraIngestResult> {
    return this.#inTurn(events, () => this.#ingest(source, events));
  }

  async #ingest(source: string, events: unknown): Promise<DoraIngestResult> {
    const parsed = parseDoraEventBatch({ events });
    if (!parsed.ok) throw new DoraBatchRejectedError(parsed.problems);
    const problems: Problem[] = [];
    const sources = parsed.events.map((event, index) => {
      const eventSource = event.source ?? source;
      if (eventSource.includes(':')) {
        problems.push({
          index,
          field: 'source',
          message: `'${eventSource}' is not a server-side source name (names with ':' belong to event API callers)`,
        });
      }
      return eventSource;
    });
    if (problems.length > 0) throw new DoraBatchRejectedError(problems);
    return this.#save(parsed.events, sources);
  }

  /**
   * A batch from the event API, stored under the caller's own source (see
   * `callerSource`), or `<caller>#<label>` for events with a `source` label.
   */
  async ingestFromCaller(
    caller: string,
    events: unknown,
  ): Promise<DoraIngestResult> {
    return this.#inTurn(events, () => this.#ingestFromCaller(caller, events));
  }

  async #ingestFromCaller(
    caller: string,
    events: unknown,
  ): Promise<DoraIngestResult> {
    const problems: Problem[] = [];
    const labels = new Map<number, string>();
    if (Array.isArray(events)) {
      events.forEach((event, index) => {
        const label = (event as { source?: unknown } | null)?.source;
        if (typeof label !== 'string') return;
        if (this.#reserved.has(label.toLocaleLowerCase('en-US'))) {
          problems.push({
            index,
            field: 'source',
            message: `'${label}' is reserved for Paved's own ${label} source; events from the API are stored under the caller (${caller}), optionally with a label of your own`,
          });
        } else if (!SOURCE_LABEL.test(label)) {
          problems.push({
            index,
            field: 'source',
            message:
              'a source label is 1 to 63 letters, digits, dots, dashes or underscores, starting with a letter or digit',
          });
        } else if (caller.length + 1 + label.length > MAX_SOURCE_LENGTH) {
          problems.push({
            index,
            field: 'source',
            message: `the label is too long to store after the caller ${caller}`,
          });
        } else {
          labels.set(index, label);
        }
      });
    }
    const parsed = parseDoraEventBatch({ events });
    if (!parsed.ok) {
      throw new DoraBatchRejectedError(
        [...problems, ...parsed.problems].sort((a, b) => a.index - b.index),
      );
    }
    if (problems.length > 0) throw new DoraBatchRejectedError(problems);
    return this.#save(
      parsed.events,
      parsed.events.map((_, index) =>
        labels.has(index) ? `${caller}#${labels.get(index)}` : caller,
      ),
    );
  }

  /**
   * Runs `work` on a batch of `events` when fewer than
   * {@link CONCURRENT_BATCHES} batches are being stored and they hold at
   * most {@link CONCURRENT_EVENTS} events with this one (or none is);
   * batches wait their turn in the order they came.
   */
  async #inTurn<T>(events: unknown, work: () => Promise<T>): Promise<T> {
    // What the body holds; validation refuses a batch that is no array.
    const size = Array.isArray(events) ? events.length : 0;
    if (this.#waiting.length > 0 || !this.#fits(size)) {
      await new Promise<void>(start => this.#waiting.push({ size, start }));
    } else {
      this.#storing += 1;
      this.#storingEvents += size;
    }
    try {
      return await work();
    } finally {
      this.#storing -= 1;
      this.#storingEvents -= size;
      this.#admitWaiting();
    }
  }

  #fits(size: number): boolean {
    return (
      this.#storing === 0 ||
      (this.#storing < CONCURRENT_BATCHES &&
        this.#storingEvents + size <= CONCURRENT_EVENTS)
    );
  }

  /** Starts waiting batches, first come first, while the next one fits. */
  #admitWaiting() {
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0].size)) {
      const next = this.#waiting.shift()!;
      this.#storing += 1;
      this.#storingEvents += next.size;
      next.start();
    }
  }

  /** The catalog's `paved.dev/dora-service` aliases that resolve to nothing. */
  aliasConflicts(): Promise<DoraAliasConflict[]> {
    return this.#services.aliasConflicts();
  }

  /**
   * Which component each service names, or `undefined` when the catalog
   * cannot be asked right now. Ingest does not fail for that: a CI
   * pipeline's deployment would be lost unless it retried. Its events are
   * stored unattributed instead (an update keeps the attribution its event
   * has), and late attribution gives them their component on the next
   * read, from the catalog as it is then. A stale copy of the index was
   * not an option: it could give events to a component that no longer
   * claims them, and late attribution never revisits those.
   */
  async #resolveServices(services: string[]) {
    try {
      return await this.#services.resolveServices(services);
    } catch (error) {
      this.#logger?.warn(
        `DORA ingest could not ask the catalog which components its services name; the events are stored unattributed until the next read attributes them: ${error}`,
      );
      return undefined;
    }
  }

  async #save(
    events: DoraEvent[],
    sources: string[],
  ): Promise<DoraIngestResult> {
    const services = [...new Set(events.map(e => e.service))];
    const resolved = await this.#resolveServices(services);
    const bySource = new Map<string, ResolvedDoraEvent[]>();
    events.forEach((event, index) => {
      const item = {
        event,
        entityRef: resolved ? resolved.get(event.service) ?? null : undefined,
      };
      const batch = bySource.get(sources[index]);
      if (batch) batch.push(item);
      else bySource.set(sources[index], [item]);
    });
    // Every source of the batch in one transaction: all or nothing.
    const { accepted, unchanged } = await this.#store.ingestSources(
      [...bySource].map(([source, batch]) => ({ source, events: batch })),
    );
    // Without the catalog, no service was matched to a component (yet).
    const unattributedServices = resolved
      ? [...resolved].filter(([, ref]) => !ref).map(([service]) => service)
      : services;
    if (accepted > 0) {
      this.#onStored({ unattributed: unattributedServices.length > 0 });
    }
    return { accepted, unchanged, unattributedServices };
  }
}
