import { parseDoraEventBatch } from '@paved/plugin-dora-common';
import type { DoraEventSink, DoraIngestResult } from '@paved/plugin-dora-node';
import type { DoraStore } from '../database/DoraStore';
import type { CatalogScopes } from '../catalog/CatalogScopes';

/** A batch that failed validation; nothing from it was stored. */
export class DoraBatchRejectedError extends Error {
  readonly problems: Array<{ index: number; field: string; message: string }>;
  constructor(problems: DoraBatchRejectedError['problems']) {
    super(
      `The batch was rejected; nothing was stored (${problems.length} problem(s))`,
    );
    this.name = 'InputError';
    this.problems = problems;
  }
}

/**
 * The one ingestion path for the event API and every event source:
 * validate the whole batch, resolve services to catalog components, store
 * idempotently under the event's own `source` or the caller's.
 */
export class DoraEventIngestor implements DoraEventSink {
  readonly #store: DoraStore;
  readonly #scopes: CatalogScopes;
  readonly #onStored: () => void;

  /** `onStored` runs after a batch changed stored facts (e.g. re-analysis). */
  static create(options: {
    store: DoraStore;
    scopes: CatalogScopes;
    onStored?: () => void;
  }) {
    return new DoraEventIngestor(
      options.store,
      options.scopes,
      options.onStored ?? (() => {}),
    );
  }

  private constructor(
    store: DoraStore,
    scopes: CatalogScopes,
    onStored: () => void,
  ) {
    this.#store = store;
    this.#scopes = scopes;
    this.#onStored = onStored;
  }

  async ingest(source: string, events: unknown): Promise<DoraIngestResult> {
    const parsed = parseDoraEventBatch({ events });
    if (!parsed.ok) throw new DoraBatchRejectedError(parsed.problems);

    const resolved = await this.#scopes.resolveServices([
      ...new Set(parsed.events.map(e => e.service)),
    ]);
    const bySource = new Map<string, typeof parsed.events>();
    for (const event of parsed.events) {
      const eventSource = event.source ?? source;
      const batch = bySource.get(eventSource);
      if (batch) batch.push(event);
      else bySource.set(eventSource, [event]);
    }
    let accepted = 0;
    let unchanged = 0;
    for (const [eventSource, batch] of bySource) {
      const result = await this.#store.ingest(
        eventSource,
        batch.map(event => ({
          event,
          entityRef: resolved.get(event.service) ?? null,
        })),
      );
      accepted += result.accepted;
      unchanged += result.unchanged;
    }
    if (accepted > 0) this.#onStored();
    const unattributedServices = [...resolved]
      .filter(([, ref]) => !ref)
      .map(([service]) => service);
    return { accepted, unchanged, unattributedServices };
  }
}
