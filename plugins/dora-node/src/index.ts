/**
 * Extension points for Paved's DORA backend: modules that feed it events.
 *
 * @packageDocumentation
 */
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { DoraIngestResult } from '@paved/plugin-dora-common';

/**
 * The result of storing a batch, as `POST /api/dora/events` returns it: the
 * event API's model, generated from its OpenAPI document.
 */
export type { DoraIngestResult };

/**
 * Where a source delivers events. Batches are validated exactly like the
 * event API (all or nothing; an `InputError` lists the problems) and stored
 * idempotently under `source` (or an event's own `source`), in one
 * transaction. Source names may not contain `:`: those belong to the event
 * API's callers (`user:…`, `service:…`), whose facts a source never touches.
 *
 * @public
 */
export interface DoraEventSink {
  ingest(source: string, events: unknown[]): Promise<DoraIngestResult>;
}

/**
 * A source of DORA events (a webhook receiver, a poller). The DORA plugin
 * hands every registered source the sink once it has started.
 *
 * @public
 */
export interface DoraEventSource {
  /**
   * Letters, digits, `.`, `_` and `-`; unique. Reserved: the event API
   * refuses events whose `source` names it (as it does `github` and `demo`).
   */
  readonly id: string;
  connect(sink: DoraEventSink): Promise<void>;
}

/** @public */
export interface DoraSourcesExtensionPoint {
  addSource(source: DoraEventSource): void;
}

/** @public */
export const doraSourcesExtensionPoint =
  createExtensionPoint<DoraSourcesExtensionPoint>({ id: 'dora.sources' });
