/**
 * Extension points for Paved's DORA backend: modules that feed it events.
 *
 * @packageDocumentation
 */
import { createExtensionPoint } from '@backstage/backend-plugin-api';

/** The result of storing a batch, as `POST /api/dora/events` returns it. */
export type DoraIngestResult = {
  accepted: number;
  unchanged: number;
  unattributedServices: string[];
};

/**
 * Where a source delivers events. Batches are validated exactly like the
 * event API (all or nothing; an `InputError` lists the problems) and stored
 * idempotently under `source`.
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
