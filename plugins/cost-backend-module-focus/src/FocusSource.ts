import type { Readable } from 'node:stream';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  addDays,
  type CostRecord,
  type FocusImportResult,
} from '@paved/plugin-cost-common';
import type { CostRecordSink, CostSource } from '@paved/plugin-cost-node';
import {
  type FocusBillingPeriod,
  FocusParseError,
  readFocusCsv,
} from './parse';

/** Correction rows of one file kept in memory until its own rows are stored. */
export const MAX_CORRECTION_ROWS = 100_000;

/** An import's name: what the file is (a payer account, a cloud), a-z0-9-. */
const IMPORT_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function isValidImportName(name: string) {
  return name.length <= 63 && IMPORT_NAME.test(name);
}

/**
 * The cost source id of an import. Every file of one import shares it, so
 * a file replaces the days it covers however it is named: a re-exported
 * month under a new file name replaces the old one instead of doubling it.
 */
export function focusSourceId(name: string) {
  return `focus:${name}`;
}

/**
 * Where the corrections a billing period's file makes to earlier periods
 * are kept: one source per import and billing period, so re-importing that
 * file replaces its corrections and another period's file adds its own.
 */
export function focusCorrectionsSourceId(
  name: string,
  billingPeriodFrom: string,
) {
  return `focus:${name}:corrections-${billingPeriodFrom}`;
}

/** What a file stored: the upload route's answer, as the cost API documents it. */
export type { FocusImportResult } from '@paved/plugin-cost-common';

/**
 * The FOCUS cost source: imports files (configured or uploaded) into the
 * cost plugin's sink, each file all or nothing.
 */
export class FocusSource implements CostSource {
  readonly id = 'focus';
  #sink?: CostRecordSink;

  static create() {
    return new FocusSource();
  }

  private constructor() {}

  async connect(sink: CostRecordSink) {
    this.#sink = sink;
  }

  get connected() {
    return this.#sink !== undefined;
  }

  /**
   * Replaces what the import stored for the days the file covers with the
   * file's rows. A bad row throws a FocusParseError and nothing of the file
   * is stored (the file and its corrections are one sink transaction);
   * importing the same file again changes nothing. While another import of
   * the same name is being stored, the sink refuses this one with a
   * ConflictError.
   *
   * Rows of earlier periods (FOCUS ChargeClass "Correction": a charge
   * outside the row's own billing period) do not replace those days; they
   * are stored beside them, under the import's corrections source for the
   * file's billing period, which they replace as a whole.
   */
  async importFile(options: {
    name: string;
    fileName: string;
    input: Readable;
  }): Promise<FocusImportResult> {
    const sink = this.#sink;
    if (!sink) {
      throw new ServiceUnavailableError(
        'The cost plugin has not started yet; try the import again shortly',
      );
    }
    const { name, fileName } = options;
    const source = focusSourceId(name);
    const days = new Set<string>();
    // Per billing period of the file: its corrections of earlier days.
    const corrections = new Map<string, CostRecord[]>();
    let correctionRows = 0;
    async function* ownPeriod(): AsyncIterable<CostRecord> {
      for await (const { record, billingPeriod } of readFocusCsv(
        options.input,
        { fileName },
      )) {
        if (billingPeriod && !within(record.day, billingPeriod)) {
          if (++correctionRows > MAX_CORRECTION_ROWS) {
            throw new FocusParseError({
              fileName,
              row: 1,
              problem: `more than ${MAX_CORRECTION_ROWS.toLocaleString(
                'en-US',
              )} rows correct earlier billing periods; import the periods' own files instead`,
            });
          }
          const list = corrections.get(billingPeriod.from) ?? [];
          list.push(record);
          corrections.set(billingPeriod.from, list);
          continue;
        }
        if (billingPeriod && !corrections.has(billingPeriod.from)) {
          corrections.set(billingPeriod.from, []);
        }
        days.add(record.day);
        yield record;
      }
    }
    // One transaction: the file's rows and its corrections are stored
    // together or not at all, and a concurrent import of the same name is
    // refused (409) rather than mixed with this one.
    const stored = await sink.transaction(async batched => {
      let count = (
        await batched.replace({
          source,
          records: ownPeriod(),
          description: fileName,
        })
      ).stored;
      for (const [period, records] of corrections) {
        count += await this.#replaceCorrections(batched, {
          source: focusCorrectionsSourceId(name, period),
          records,
          description: `${fileName}: corrections of earlier billing periods`,
        });
      }
      return count;
    });
    const sorted = [...days].sort();
    return {
      source,
      stored,
      days: sorted.length,
      from: sorted[0],
      to: sorted[sorted.length - 1],
    };
  }

  /**
   * Replaces everything a corrections source holds: the days it stored
   * before and the days of the new rows (an empty list clears it).
   */
  async #replaceCorrections(
    sink: CostRecordSink,
    options: { source: string; records: CostRecord[]; description: string },
  ): Promise<number> {
    const held = await sink.finalDays(
      options.source,
      '0000-01-01',
      '9999-12-31',
    );
    const days = [...held, ...options.records.map(r => r.day)].sort();
    if (days.length === 0) return 0;
    const { stored } = await sink.replace({
      source: options.source,
      from: days[0],
      to: addDays(days[days.length - 1], 1),
      records: options.records,
      final: true,
      description: options.description,
    });
    return stored;
  }
}

function within(day: string, period: FocusBillingPeriod) {
  return day >= period.from && day < period.to;
}
