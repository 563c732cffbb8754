import type { Readable } from 'node:stream';
import { ServiceUnavailableError } from '@backstage/errors';
import type { CostRecord } from '@paved/plugin-cost-common';
import type { CostRecordSink, CostSource } from '@paved/plugin-cost-node';
import { parseFocusCsv } from './parse';

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

export interface FocusImportResult {
  source: string;
  /** Cost rows stored (a row spanning several days counts once per day). */
  stored: number;
  /** The UTC days the file covers, and the first and last of them. */
  days: number;
  from?: string;
  to?: string;
}

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
   * is stored (the sink's replace is all or nothing); importing the same
   * file again changes nothing.
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
    const source = focusSourceId(options.name);
    const days = new Set<string>();
    async function* tallied(
      records: AsyncIterable<CostRecord>,
    ): AsyncIterable<CostRecord> {
      for await (const record of records) {
        days.add(record.day);
        yield record;
      }
    }
    const { stored } = await sink.replace({
      source,
      records: tallied(
        parseFocusCsv(options.input, { fileName: options.fileName }),
      ),
      description: options.fileName,
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
}
