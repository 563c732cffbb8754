import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pipeline as pipe } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { FocusParseError } from './parse';
import type { FocusImportResult, FocusSource } from './FocusSource';

/** One entry of `cost.focus.imports`. */
export interface FocusFileImport {
  name: string;
  /**
   * A .csv (or .csv.gz) file or a directory of them; relative to the
   * working directory.
   */
  path: string;
}

export type FocusFileOutcome =
  | {
      name: string;
      file: string;
      outcome: 'imported';
      result: FocusImportResult;
    }
  | { name: string; file: string; outcome: 'unchanged' }
  | { name: string; file: string; outcome: 'failed'; error: string };

/** FOCUS CSV files, as exported or gzipped (AWS Data Exports write .csv.gz). */
const isFocusFileName = (name: string) => /\.csv(\.gz)?$/i.test(name);

/** The file's CSV text, unzipped on the fly when it is gzipped. */
function openFocusFile(file: string) {
  if (!/\.gz$/i.test(file)) return createReadStream(file);
  const gunzip = createGunzip();
  // pipeline hands a read error on to the gunzip stream, so the parser sees it.
  pipe(createReadStream(file), gunzip, () => {});
  return gunzip;
}

async function sha256(file: string) {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * The configured FOCUS files, checked on a schedule. A file is imported when
 * its content changed since it was last imported by this process (after a
 * restart every file is imported once more, which changes nothing: the
 * sink replaces the same days with the same rows). A bad file is logged
 * with its row-level error and skipped until it changes; the other files
 * still import.
 */
export class FocusFileImports {
  readonly #imports: FocusFileImport[];
  readonly #source: FocusSource;
  readonly #logger: LoggerService;
  /** Content hash of each file's last import (or last refusal as bad). */
  readonly #hashes = new Map<string, string>();
  /** The days each imported file covers, to spot files that overlap. */
  readonly #periods = new Map<
    string,
    { name: string; from: string; to: string }
  >();

  static create(options: {
    imports: FocusFileImport[];
    source: FocusSource;
    logger: LoggerService;
  }) {
    return new FocusFileImports(options);
  }

  private constructor(options: Parameters<typeof FocusFileImports.create>[0]) {
    this.#imports = options.imports;
    this.#source = options.source;
    this.#logger = options.logger;
  }

  async run(): Promise<FocusFileOutcome[]> {
    if (!this.#source.connected) {
      this.#logger.info('FOCUS imports wait for the cost plugin to start');
      return [];
    }
    const outcomes: FocusFileOutcome[] = [];
    for (const entry of this.#imports) {
      let files: string[];
      try {
        files = await this.#files(entry.path);
      } catch (error) {
        this.#logger.error(
          `FOCUS import ${entry.name}: cannot read ${entry.path}: ${error}`,
        );
        continue;
      }
      for (const file of files) {
        outcomes.push(await this.#importIfChanged(entry.name, file));
      }
    }
    return outcomes;
  }

  async #files(path: string) {
    const absolute = resolve(path);
    if (!(await stat(absolute)).isDirectory()) return [absolute];
    // Sorted, so files of one import that cover the same days replace each
    // other in the same order on every run.
    return (await readdir(absolute, { withFileTypes: true }))
      .filter(e => e.isFile() && isFocusFileName(e.name))
      .map(e => join(absolute, e.name))
      .sort();
  }

  /**
   * Files of one import replace each other's rows for the days they share
   * (that is what keeps a re-export from doubling), so two files covering
   * the same days — a multi-part export, two payer accounts — lose rows.
   */
  #warnIfOverlapping(name: string, file: string, result: FocusImportResult) {
    if (!result.from || !result.to) return;
    const period = { name, from: result.from, to: result.to };
    this.#periods.set(file, period);
    for (const [other, { name: otherName, from, to }] of this.#periods) {
      if (other === file || otherName !== name) continue;
      if (from <= period.to && period.from <= to) {
        this.#logger.warn(
          `FOCUS import ${name}: ${basename(file)} (${period.from} to ${
            period.to
          }) and ${basename(
            other,
          )} (${from} to ${to}) cover the same days, and each replaces the other's rows for them; give each file its own import`,
        );
      }
    }
  }

  async #importIfChanged(
    name: string,
    file: string,
  ): Promise<FocusFileOutcome> {
    const fileName = basename(file);
    try {
      const hash = await sha256(file);
      if (this.#hashes.get(file) === hash) {
        return { name, file, outcome: 'unchanged' };
      }
      try {
        const result = await this.#source.importFile({
          name,
          fileName,
          input: openFocusFile(file),
        });
        this.#hashes.set(file, hash);
        this.#warnIfOverlapping(name, file, result);
        this.#logger.info(
          `FOCUS import ${name}: stored ${result.stored} cost rows for ${result.days} days (${result.from} to ${result.to}) from ${fileName}`,
        );
        return { name, file, outcome: 'imported', result };
      } catch (error) {
        // The same content fails the same way: wait until the file changes.
        // Anything else (the database) is tried again on the next run.
        if (error instanceof FocusParseError) this.#hashes.set(file, hash);
        throw error;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#logger.error(
        `FOCUS import ${name}: nothing stored from ${fileName}: ${message}`,
      );
      return { name, file, outcome: 'failed', error: message };
    }
  }
}
