/**
 * Extension point for Paved's cost backend: modules that feed it cost rows
 * (OpenCost allocations, FOCUS billing exports).
 *
 * @packageDocumentation
 */
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { CostRecord } from '@paved/plugin-cost-common';

/**
 * The longest text, in characters, the cost store keeps in these fields of
 * a cost record (its database columns); a record with a longer value is
 * refused with a 400 naming the field. Sources that read files check them
 * first, so they can name the file's row and column.
 *
 * @public
 */
export const COST_RECORD_TEXT_LIMITS = {
  cluster: 253,
  namespace: 253,
  controller: 253,
  controllerKind: 63,
  serviceName: 255,
  serviceCategory: 255,
  regionId: 63,
  subAccountId: 255,
  chargeCategory: 63,
} as const satisfies Partial<Record<keyof CostRecord, number>>;

/** The longest cost source id, in characters. @public */
export const COST_SOURCE_ID_MAX_LENGTH = 200;

/**
 * The longest period one replace call may name with from/to (ten years),
 * so a call cannot make the store walk millions of days.
 *
 * @public
 */
export const COST_REPLACE_MAX_DAYS = 3660;

/**
 * How many characters (code points, as the database counts) a text has.
 *
 * @public
 */
export function textLength(value: string): number {
  let length = 0;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  for (const _ of value) length++;
  return length;
}

/** A batch of rows that replaces what a source stored for some days. */
export interface CostReplaceRequest {
  /**
   * The source's stable id, e.g. `opencost:eu-west-prod` or
   * `focus:aws-payer-123`. Rows of different sources never replace each
   * other.
   */
  source: string;
  /**
   * The days being replaced, [from, to) as YYYY-MM-DD. Omitted: the days
   * the records themselves cover (a billing file replaces its own period).
   */
  from?: string;
  to?: string;
  /** Streamed; the sink never holds them all in memory. */
  records: AsyncIterable<CostRecord> | Iterable<CostRecord>;
  /**
   * Whether the data for these days is final (e.g. an OpenCost day more
   * than two days old). Days not final are pulled again.
   */
  final?: boolean;
  /** A label for the import (file name, cluster URL) shown on the sources list. */
  description?: string;
}

/**
 * Where a source delivers rows. `replace` is all or nothing: if reading
 * `records` throws (a bad row) or storing fails, nothing of the call is
 * stored and the previous rows stay. Replaying the same call changes
 * nothing.
 *
 * One import of a source runs at a time, across every replica: a `replace`
 * (or `transaction`) that names a source another import is storing throws
 * a ConflictError (409) "an import of source X is running", and the rows
 * of the import that got there first stay whole.
 *
 * @public
 */
export interface CostRecordSink {
  replace(request: CostReplaceRequest): Promise<{ stored: number }>;
  /** The days in [from, to) that `source` has already stored as final. */
  finalDays(source: string, from: string, to: string): Promise<Set<string>>;
  /**
   * Runs `store`, whose `replace` calls are stored as usual, and brings
   * what is derived from them (the allocation of new label sets, the idle
   * and shared pools of their days) up to date once, when it ends — also
   * when it throws. For a source that stores many calls in a row, such as
   * a backfill: until it ends, new rows count as direct cost but not yet
   * in the pools.
   */
  batch<T>(store: (sink: CostRecordSink) => Promise<T>): Promise<T>;
  /**
   * Runs `store` as one transaction: its `replace` calls are all stored
   * when it returns, or none of them when it (or any of them) throws, and
   * the previous rows stay. `finalDays` inside it sees its own calls.
   * Derived data is brought up to date once, at the end, as with `batch`.
   * For an import that stores several sources at once (a billing file and
   * its corrections of earlier periods).
   */
  transaction<T>(store: (sink: CostRecordSink) => Promise<T>): Promise<T>;
}

/**
 * A source of cost rows. The cost plugin hands every registered source
 * the sink once it has started.
 *
 * @public
 */
export interface CostSource {
  readonly id: string;
  connect(sink: CostRecordSink): Promise<void>;
}

/** @public */
export interface CostSourcesExtensionPoint {
  addSource(source: CostSource): void;
}

/** @public */
export const costSourcesExtensionPoint =
  createExtensionPoint<CostSourcesExtensionPoint>({ id: 'cost.sources' });
