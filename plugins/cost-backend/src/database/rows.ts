import { createHash } from 'node:crypto';
import { InputError } from '@backstage/errors';
import {
  addDays,
  COST_CATEGORIES,
  type CostCategory,
  type CostRecord,
  dayStart,
} from '@paved/plugin-cost-common';
import { COST_RECORD_TEXT_LIMITS, textLength } from '@paved/plugin-cost-node';

/** The column each cost category is stored in. */
export const CATEGORY_COLUMNS: Record<CostCategory, string> = {
  compute: 'cost_compute',
  memory: 'cost_memory',
  gpu: 'cost_gpu',
  storage: 'cost_storage',
  network: 'cost_network',
  loadBalancer: 'cost_load_balancer',
  cloudServices: 'cost_cloud_services',
  shared: 'cost_shared',
  idle: 'cost_idle',
};

const NUMBER_COLUMNS = [
  ...COST_CATEGORIES.map(c => CATEGORY_COLUMNS[c]),
  'effective_cost',
  'billed_cost',
  'list_cost',
  'cpu_efficiency',
  'ram_efficiency',
  'total_efficiency',
  'cpu_core_hours',
  'ram_byte_hours',
];

/**
 * The columns of `cost_rows` in the order rows are written: the import and
 * label set ids, then what `recordValues` returns.
 */
export const ROW_COLUMNS = [
  'import_id',
  'label_set_id',
  'day',
  'kind',
  'cluster',
  'namespace',
  'controller',
  'controller_kind',
  'resource_id',
  'resource_name',
  'service_name',
  'service_category',
  'region_id',
  'sub_account_id',
  'charge_category',
  ...NUMBER_COLUMNS,
];

/** The text fields of a record, in the order of their ROW_COLUMNS. */
const TEXT_FIELDS = [
  'cluster',
  'namespace',
  'controller',
  'controllerKind',
  'resourceId',
  'resourceName',
  'serviceName',
  'serviceCategory',
  'regionId',
  'subAccountId',
  'chargeCategory',
] as const;

const KINDS = new Set(['workload', 'idle', 'unallocated', 'cloud']);

/** Canonical form of a label set: its keys sorted. */
export function canonicalLabels(labels: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) {
    sorted[key] = String(labels[key]);
  }
  return JSON.stringify(sorted);
}

/** The key a label set is stored under. */
export function labelsHash(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex').slice(0, 40);
}

/** A `YYYY-MM-DD` day that exists (not `2026-02-30`). */
export function isDay(value: unknown): value is string {
  return typeof value === 'string' && dayStart(value) !== undefined;
}

/** Every day in [from, to), two `YYYY-MM-DD` days. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  // YYYY-MM-DD days sort as text in the order of time.
  for (let day = from; day < to; day = addDays(day, 1)) {
    days.push(day);
  }
  return days;
}

function optionalNumber(
  value: unknown,
  field: string,
  index: number,
): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError(
      `Cost record ${index + 1}: ${field} is not a finite number`,
    );
  }
  return value;
}

function text(
  value: string | undefined,
  field: (typeof TEXT_FIELDS)[number],
  index: number,
): string | null {
  if (value === undefined || value === '') return null;
  const limit: number | undefined =
    COST_RECORD_TEXT_LIMITS[field as keyof typeof COST_RECORD_TEXT_LIMITS];
  // PostgreSQL refuses a longer value of its varchar column (a 500 at the
  // end of the import), SQLite would keep it: refuse it here, named.
  if (limit !== undefined && value.length > limit) {
    const length = textLength(value);
    if (length > limit) {
      throw new InputError(
        `Cost record ${
          index + 1
        }: ${field} is ${length} characters long; at most ${limit} are stored`,
      );
    }
  }
  // Neither database stores a NUL character in text.
  if (value.includes('\u0000')) {
    throw new InputError(
      `Cost record ${index + 1}: ${field} contains a NUL character`,
    );
  }
  return value;
}

/**
 * Checks the records of one replace call and turns each into its column
 * values. Remembers the days it has seen, so a million records cost a
 * million set lookups rather than a million date parses.
 */
export class RecordChecker {
  readonly #from?: string;
  readonly #to?: string;
  readonly #days = new Map<string, number>();
  readonly #clusters = new Set<string>();

  constructor(period: { from?: string; to?: string }) {
    this.#from = period.from;
    this.#to = period.to;
  }

  /** Rows per day of the records checked so far. */
  get rowsPerDay(): ReadonlyMap<string, number> {
    return this.#days;
  }

  /** The clusters of the records checked so far ('' for none). */
  get clusters(): ReadonlySet<string> {
    return this.#clusters;
  }

  /** The values of ROW_COLUMNS after import_id and label_set_id. */
  recordValues(record: CostRecord, index: number): unknown[] {
    const seen = this.#days.get(record.day);
    if (seen === undefined) {
      if (!isDay(record.day)) {
        throw new InputError(
          `Cost record ${index + 1}: day is not a YYYY-MM-DD day: ${
            record.day
          }`,
        );
      }
      if (
        this.#from !== undefined &&
        (record.day < this.#from || record.day >= this.#to!)
      ) {
        throw new InputError(
          `Cost record ${index + 1}: day ${
            record.day
          } is outside the replaced period [${this.#from}, ${this.#to})`,
        );
      }
    }
    if (!KINDS.has(record.kind)) {
      throw new InputError(
        `Cost record ${index + 1}: unknown kind ${record.kind}`,
      );
    }
    const effective = optionalNumber(
      record.effectiveCost,
      'effectiveCost',
      index,
    );
    if (effective === null) {
      throw new InputError(
        `Cost record ${index + 1}: effectiveCost is missing`,
      );
    }
    const values: unknown[] = [record.day, record.kind];
    for (const field of TEXT_FIELDS) {
      values.push(text(record[field], field, index));
    }
    for (const category of COST_CATEGORIES) {
      values.push(
        optionalNumber(record.costs?.[category], `costs.${category}`, index) ??
          0,
      );
    }
    values.push(
      effective,
      optionalNumber(record.billedCost, 'billedCost', index),
      optionalNumber(record.listCost, 'listCost', index),
      optionalNumber(record.cpuEfficiency, 'cpuEfficiency', index),
      optionalNumber(record.ramEfficiency, 'ramEfficiency', index),
      optionalNumber(record.totalEfficiency, 'totalEfficiency', index),
      optionalNumber(record.cpuCoreHours, 'cpuCoreHours', index),
      optionalNumber(record.ramByteHours, 'ramByteHours', index),
    );
    this.#days.set(record.day, (seen ?? 0) + 1);
    this.#clusters.add(record.cluster || '');
    return values;
  }
}
