import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '@backstage/errors';
import {
  type CostCategory,
  type CostRecord,
  DAY_MS,
  formatDay,
} from '@paved/plugin-cost-common';
import { COST_RECORD_TEXT_LIMITS, textLength } from '@paved/plugin-cost-node';
import { CsvRecords, CsvSyntaxError } from './csvRecords';

/**
 * Columns every FOCUS 1.0–1.3 dataset has (Mandatory, never null in the
 * specification). A file without one of them is refused before any row.
 */
export const REQUIRED_FOCUS_COLUMNS = [
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'ChargeCategory',
  'ServiceName',
  'ServiceCategory',
] as const;

/**
 * Conditional columns (may be absent, or empty in a row). ServiceSubcategory
 * exists from FOCUS 1.1 on and only refines the cost category.
 */
export const OPTIONAL_FOCUS_COLUMNS = [
  'ResourceId',
  'ResourceName',
  'RegionId',
  'SubAccountId',
  'Tags',
  'ServiceSubcategory',
  'BillingPeriodStart',
  'BillingPeriodEnd',
] as const;

type FocusColumn =
  | (typeof REQUIRED_FOCUS_COLUMNS)[number]
  | (typeof OPTIONAL_FOCUS_COLUMNS)[number];

/**
 * The cost category of a FOCUS ServiceCategory; every other category
 * (Databases, Analytics, Security, ...) is `cloudServices`. ServiceSubcategory
 * `Load Balancing` (FOCUS 1.1+) is `loadBalancer` whatever its category.
 */
export const SERVICE_CATEGORY_COST_CATEGORY: Record<string, CostCategory> = {
  Compute: 'compute',
  Storage: 'storage',
  Networking: 'network',
};

const LOAD_BALANCING_SUBCATEGORY = 'Load Balancing';

/**
 * A FOCUS file that cannot be imported. An InputError (so the API answers
 * 400) whose message names the file, the row as a spreadsheet counts it (the
 * header is row 1) and the column.
 */
export class FocusParseError extends InputError {
  readonly fileName: string;
  readonly row: number;
  /** The column, or the columns joined with ", " when several are at fault. */
  readonly column?: string;

  constructor(options: {
    fileName: string;
    row: number;
    column?: string;
    /** Several columns that together are wrong (a period too long). */
    columns?: string[];
    problem: string;
  }) {
    // eslint-disable-next-line no-nested-ternary
    const where = options.columns
      ? `row ${options.row}, columns ${options.columns.join(', ')}`
      : options.column
      ? `row ${options.row}, column ${options.column}`
      : `row ${options.row}`;
    super(
      `FOCUS file ${options.fileName} cannot be imported: ${where}: ${options.problem}`,
    );
    this.fileName = options.fileName;
    this.row = options.row;
    this.column = options.columns?.join(', ') ?? options.column;
  }
}

/**
 * The longest charge period a row may have. A row is split over the days
 * of its period, so a row claiming a century would become 36,500 rows; a
 * billing file's charges span at most its (monthly or yearly) period.
 */
export const MAX_CHARGE_PERIOD_DAYS = 366;

/**
 * The FOCUS columns kept in a bounded database column, and the cost record
 * field each is stored as: a longer value is refused, naming the column.
 */
const BOUNDED_COLUMNS: Partial<
  Record<FocusColumn, keyof typeof COST_RECORD_TEXT_LIMITS>
> = {
  ServiceName: 'serviceName',
  ServiceCategory: 'serviceCategory',
  RegionId: 'regionId',
  SubAccountId: 'subAccountId',
  ChargeCategory: 'chargeCategory',
};

/** A length in days, as a person reads it (1.5, not 1.5000000001). */
const inDays = (ms: number) => Number((ms / DAY_MS).toFixed(2));
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Milliseconds since the epoch, or undefined when not a date FOCUS allows.
 * FOCUS date-times are UTC, so one without a zone (`2024-09-18 22:00:00`,
 * as real exports write them) is read as UTC.
 */
export function parseFocusDate(text: string): number | undefined {
  const dateOnly = DATE_ONLY.exec(text);
  const dateTime = dateOnly ? undefined : DATE_TIME.exec(text);
  const match = dateOnly ?? dateTime;
  if (!match) return undefined;
  const [year, month, day] = [
    Number(match[1]),
    Number(match[2]),
    Number(match[3]),
  ];
  // Date.parse rolls 2026-02-30 over to March; a billing file never means that.
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    return undefined;
  }
  if (dateOnly) return calendar.getTime();
  const [, , , , hour, minute, second = '00', fraction = '', zone] =
    dateTime as RegExpExecArray;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
    return undefined;
  }
  const offset =
    !zone || /^z$/i.test(zone) ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const millis = fraction ? fraction.slice(0, 4).padEnd(4, '0') : '.000';
  const ms = Date.parse(
    `${match[1]}-${match[2]}-${match[3]}T${hour}:${minute}:${second}${millis}${offset}`,
  );
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * How much of [start, end) falls on each UTC day. A charge for a single
 * instant (start = end) belongs wholly to its day.
 */
export function shareOverDays(
  start: number,
  end: number,
): Array<{ dayIndex: number; share: number }> {
  const first = Math.floor(start / DAY_MS);
  const last = Math.floor(Math.max(start, end - 1) / DAY_MS);
  if (first === last) return [{ dayIndex: first, share: 1 }];
  const parts = [];
  for (let dayIndex = first; dayIndex <= last; dayIndex++) {
    const from = Math.max(start, dayIndex * DAY_MS);
    const to = Math.min(end, (dayIndex + 1) * DAY_MS);
    parts.push({ dayIndex, share: (to - from) / (end - start) });
  }
  return parts;
}

/** YYYY-MM-DD of a day counted from the epoch. */
const dayText = (dayIndex: number) => formatDay(dayIndex * DAY_MS);

/** Splits an amount by shares so that the parts add up to it exactly. */
function splitAmount(amount: number, shares: number[]): number[] {
  let rest = amount;
  return shares.map((share, i) => {
    if (i === shares.length - 1) return rest;
    const part = amount * share;
    rest -= part;
    return part;
  });
}

function labelsFromTags(
  text: string,
  fail: (problem: string) => never,
): Record<string, string> {
  if (text === '') return {};
  let tags: unknown;
  try {
    tags = JSON.parse(text);
  } catch {
    return fail(`${quote(text)} is not JSON`);
  }
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) {
    return fail(`${quote(text)} is not a JSON object`);
  }
  // FOCUS allows any JSON value; labels are strings. A key-only tag (null)
  // becomes an empty value so a selector on the key still matches.
  // fromEntries defines own properties, so a "__proto__" tag is just a tag.
  return Object.fromEntries(
    Object.entries(tags).map(([key, value]) => [
      key,
      // eslint-disable-next-line no-nested-ternary
      typeof value === 'string'
        ? value
        : value === null
        ? ''
        : JSON.stringify(value),
    ]),
  );
}

function quote(value: string) {
  const shown = value.length > 60 ? `${value.slice(0, 60)}...` : value;
  return JSON.stringify(shown);
}

/** A billing period as days: [from, to). */
export type FocusBillingPeriod = { from: string; to: string };

/** A cost row and the billing period of the FOCUS row it comes from. */
export type FocusRecord = {
  record: CostRecord;
  /** Absent when the file has no BillingPeriodStart/End columns. */
  billingPeriod?: FocusBillingPeriod;
};

/** What one FOCUS row says, before it is split over days. */
interface FocusCharge {
  start: number;
  end: number;
  billingPeriod?: FocusBillingPeriod;
  billedCost: number;
  effectiveCost: number;
  listCost: number;
  category: CostCategory;
  described: Pick<
    CostRecord,
    | 'kind'
    | 'labels'
    | 'resourceId'
    | 'resourceName'
    | 'serviceName'
    | 'serviceCategory'
    | 'regionId'
    | 'subAccountId'
    | 'chargeCategory'
  >;
}

/**
 * Reads the rows of one file, counting them as a spreadsheet does (the
 * header is row 1). Exports repeat the same period and tags on thousands of
 * rows in a row, so the last parsed dates, tags and day are kept.
 */
class FocusRowReader {
  row = 1;
  readonly #fileName: string;
  readonly #index: Record<FocusColumn, number>;
  #fields: string[] = [];
  readonly #dates = {
    ChargePeriodStart: { text: '', ms: 0 },
    ChargePeriodEnd: { text: '', ms: 0 },
    BillingPeriodStart: { text: '', ms: 0 },
    BillingPeriodEnd: { text: '', ms: 0 },
  };
  #period = { from: NaN, to: NaN, days: { from: '', to: '' } };
  #tags = { text: '', labels: {} as Record<string, string> };
  #day = { index: NaN, text: '' };

  constructor(fileName: string, index: Record<FocusColumn, number>) {
    this.#fileName = fileName;
    this.#index = index;
  }

  read(fields: string[]): FocusCharge {
    this.row++;
    this.#fields = fields;
    const start = this.#date('ChargePeriodStart');
    const end = this.#date('ChargePeriodEnd');
    if (end < start) {
      this.#fail(
        'ChargePeriodEnd',
        `${quote(
          this.#text('ChargePeriodEnd'),
        )} is before ChargePeriodStart ${quote(
          this.#text('ChargePeriodStart'),
        )}`,
      );
    }
    const billingPeriod = this.#billingPeriod();
    this.#checkChargePeriodLength(end - start, billingPeriod !== undefined);
    const billedCost = this.#amount('BilledCost');
    const effectiveCost = this.#amount('EffectiveCost');
    const listCost = this.#amount('ListCost');
    const chargeCategory = this.#required('ChargeCategory');
    const serviceName = this.#required('ServiceName');
    const serviceCategory = this.#required('ServiceCategory');
    const category: CostCategory =
      this.#text('ServiceSubcategory') === LOAD_BALANCING_SUBCATEGORY
        ? 'loadBalancer'
        : (Object.hasOwn(SERVICE_CATEGORY_COST_CATEGORY, serviceCategory) &&
            SERVICE_CATEGORY_COST_CATEGORY[serviceCategory]) ||
          'cloudServices';
    return {
      start,
      end,
      billingPeriod,
      billedCost,
      effectiveCost,
      listCost,
      category,
      described: {
        kind: 'cloud',
        labels: this.#labels(),
        resourceId: this.#optional('ResourceId'),
        resourceName: this.#optional('ResourceName'),
        serviceName,
        serviceCategory,
        regionId: this.#optional('RegionId'),
        subAccountId: this.#optional('SubAccountId'),
        chargeCategory,
      },
    };
  }

  /** YYYY-MM-DD of a day counted from the epoch. */
  day(dayIndex: number) {
    if (this.#day.index !== dayIndex) {
      this.#day = { index: dayIndex, text: dayText(dayIndex) };
    }
    return this.#day.text;
  }

  /**
   * A charge is split over its days: a period longer than its billing
   * period (which it belongs to) or than a year is a mistake in the file.
   */
  #checkChargePeriodLength(length: number, hasBillingPeriod: boolean) {
    const chargeColumns = ['ChargePeriodStart', 'ChargePeriodEnd'];
    if (length > MAX_CHARGE_PERIOD_DAYS * DAY_MS) {
      throw new FocusParseError({
        fileName: this.#fileName,
        row: this.row,
        columns: chargeColumns,
        problem: `the charge period is ${inDays(
          length,
        )} days long; a row covers at most ${MAX_CHARGE_PERIOD_DAYS} days`,
      });
    }
    const billing = this.#period.to - this.#period.from;
    if (hasBillingPeriod && length > billing) {
      throw new FocusParseError({
        fileName: this.#fileName,
        row: this.row,
        columns: [...chargeColumns, 'BillingPeriodStart', 'BillingPeriodEnd'],
        problem: `the charge period (${inDays(
          length,
        )} days) is longer than its billing period (${inDays(billing)} days)`,
      });
    }
  }

  #fail(column: FocusColumn, problem: string): never {
    throw new FocusParseError({
      fileName: this.#fileName,
      row: this.row,
      column,
      problem,
    });
  }

  #text(column: FocusColumn) {
    const at = this.#index[column];
    if (at < 0) return '';
    const value = this.#fields[at].trim();
    // Neither database stores a NUL character in text.
    if (value.includes('\u0000'))
      this.#fail(column, 'contains a NUL character');
    return value;
  }

  /** A text stored in a bounded column: refused when longer. */
  #bounded(column: FocusColumn, value: string) {
    const field = BOUNDED_COLUMNS[column];
    const limit = field ? COST_RECORD_TEXT_LIMITS[field] : undefined;
    if (limit !== undefined && value.length > limit) {
      const length = textLength(value);
      if (length > limit) {
        this.#fail(
          column,
          `${quote(
            value,
          )} is ${length} characters long; at most ${limit} are stored`,
        );
      }
    }
    return value;
  }

  #optional(column: FocusColumn) {
    return this.#bounded(column, this.#text(column)) || undefined;
  }

  #required(column: FocusColumn) {
    const value = this.#text(column);
    return value === ''
      ? this.#fail(column, 'is empty')
      : this.#bounded(column, value);
  }

  #amount(column: FocusColumn) {
    const value = this.#required(column);
    const amount = NUMBER.test(value) ? Number(value) : NaN;
    return Number.isFinite(amount)
      ? amount
      : this.#fail(column, `${quote(value)} is not a number`);
  }

  /** The row's BillingPeriodStart/End as days, when the file has them. */
  #billingPeriod(): FocusBillingPeriod | undefined {
    if (
      this.#text('BillingPeriodStart') === '' &&
      this.#text('BillingPeriodEnd') === ''
    ) {
      return undefined;
    }
    const from = this.#date('BillingPeriodStart');
    const to = this.#date('BillingPeriodEnd');
    if (to <= from) {
      this.#fail(
        'BillingPeriodEnd',
        `${quote(
          this.#text('BillingPeriodEnd'),
        )} is not after BillingPeriodStart`,
      );
    }
    const last = this.#period;
    if (last.from !== from || last.to !== to) {
      this.#period = {
        from,
        to,
        days: {
          from: dayText(Math.floor(from / DAY_MS)),
          // The end is exclusive: a period ending at midnight ends the day before.
          to: dayText(Math.ceil(to / DAY_MS)),
        },
      };
    }
    return this.#period.days;
  }

  #date(
    column:
      | 'ChargePeriodStart'
      | 'ChargePeriodEnd'
      | 'BillingPeriodStart'
      | 'BillingPeriodEnd',
  ) {
    const value = this.#required(column);
    const last = this.#dates[column];
    if (last.text !== value) {
      const ms = parseFocusDate(value);
      if (ms === undefined) {
        return this.#fail(
          column,
          `${quote(
            value,
          )} is not an ISO 8601 date or date-time (UTC, Z or an offset)`,
        );
      }
      this.#dates[column] = { text: value, ms };
    }
    return this.#dates[column].ms;
  }

  #labels() {
    const text = this.#text('Tags');
    if (text !== this.#tags.text) {
      this.#tags = {
        text,
        labels: labelsFromTags(text, problem => this.#fail('Tags', problem)),
      };
    }
    // A copy: rows must not share a mutable object.
    return { ...this.#tags.labels };
  }
}

/**
 * Streams the rows of a FOCUS 1.0–1.3 CSV file as cost rows. The file is
 * read as it arrives (a million-row file never sits in memory); a bad row
 * throws a FocusParseError when it is reached, so the consumer must treat
 * the whole file as all-or-nothing (the cost sink's `replace` does).
 *
 * Mapping:
 * - a row's day is the UTC day of ChargePeriodStart; a charge whose period
 *   spans several UTC days (a monthly support fee) is split over them in
 *   proportion to the time on each day — evenly for whole days — with the
 *   parts adding up exactly to the row's amounts;
 * - EffectiveCost is the showback amount, in the category given by
 *   SERVICE_CATEGORY_COST_CATEGORY; BilledCost and ListCost are kept as is;
 * - Tags (a JSON object) become the labels the cost allocation matches;
 * - BillingPeriodStart/End, when the file has them, come with each row as
 *   days, so corrections of earlier periods can be told apart.
 */
export async function* readFocusCsv(
  input: Readable,
  options: { fileName?: string } = {},
): AsyncIterable<FocusRecord> {
  const fileName = options.fileName ?? 'upload';
  // Real exports (the FinOps Foundation's samples) write an empty value
  // as an unquoted NULL.
  const csv = new CsvRecords({ unquotedNull: 'NULL' });
  const decoder = new StringDecoder('utf8');
  let reader: FocusRowReader | undefined;
  let columns = 0;

  // The records of one piece of the file, as cost rows.
  function* recordsOf(batch: string[][]): Generator<FocusRecord> {
    for (const fields of batch) {
      if (!reader) {
        reader = new FocusRowReader(fileName, headerIndex(fields, fileName));
        columns = fields.length;
        continue;
      }
      if (fields.length !== columns) {
        throw new FocusParseError({
          fileName,
          row: reader.row + 1,
          problem: `not valid CSV (the row has ${fields.length} cells, the header ${columns})`,
        });
      }
      const charge = reader.read(fields);
      const { billingPeriod } = charge;
      const days = shareOverDays(charge.start, charge.end);
      if (days.length === 1) {
        yield {
          record: {
            ...charge.described,
            day: reader.day(days[0].dayIndex),
            costs: { [charge.category]: charge.effectiveCost },
            effectiveCost: charge.effectiveCost,
            billedCost: charge.billedCost,
            listCost: charge.listCost,
          },
          billingPeriod,
        };
        continue;
      }
      const shares = days.map(d => d.share);
      const effective = splitAmount(charge.effectiveCost, shares);
      const billed = splitAmount(charge.billedCost, shares);
      const list = splitAmount(charge.listCost, shares);
      for (let i = 0; i < days.length; i++) {
        yield {
          record: {
            ...charge.described,
            labels: { ...charge.described.labels },
            day: reader.day(days[i].dayIndex),
            costs: { [charge.category]: effective[i] },
            effectiveCost: effective[i],
            billedCost: billed[i],
            listCost: list[i],
          },
          billingPeriod,
        };
      }
    }
  }

  const syntaxError = (error: CsvSyntaxError) =>
    new FocusParseError({
      fileName,
      // Records counts the header; the bad record is the one after.
      row: error.records + 1,
      problem: `not valid CSV (${error.message})`,
    });

  try {
    // The file is read a piece at a time, as the consumer asks for rows.
    for await (const piece of input) {
      const text =
        typeof piece === 'string' ? piece : decoder.write(piece as Buffer);
      yield* recordsOf(csv.push(text));
    }
    yield* recordsOf(csv.push(decoder.end()));
    yield* recordsOf(csv.end());
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw syntaxError(error);
    throw error;
  } finally {
    input.destroy();
  }
  if (!reader) {
    throw new FocusParseError({
      fileName,
      row: 1,
      problem:
        'the file is empty; expected a header row with the FOCUS columns',
    });
  }
}

/** The cost rows of `readFocusCsv`, without their billing periods. */
export async function* parseFocusCsv(
  input: Readable,
  options: { fileName?: string } = {},
): AsyncIterable<CostRecord> {
  for await (const { record } of readFocusCsv(input, options)) yield record;
}

function headerIndex(
  header: string[],
  fileName: string,
): Record<FocusColumn, number> {
  const names = header.map(name => name.trim());
  const missing = REQUIRED_FOCUS_COLUMNS.filter(name => !names.includes(name));
  if (missing.length > 0) {
    throw new FocusParseError({
      fileName,
      row: 1,
      problem: `missing required FOCUS column${
        missing.length > 1 ? 's' : ''
      } ${missing.join(', ')}`,
    });
  }
  const index = {} as Record<FocusColumn, number>;
  for (const column of [...REQUIRED_FOCUS_COLUMNS, ...OPTIONAL_FOCUS_COLUMNS]) {
    index[column] = names.indexOf(column);
  }
  return index;
}
