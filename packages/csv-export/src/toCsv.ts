import { stringify } from 'csv-stringify/sync';

/** What a CSV cell may hold; null and undefined are written empty. */
export type CsvCell = string | number | boolean | null | undefined;

/**
 * Spreadsheets run a text cell that starts with `=`, `+`, `-` or `@` as a
 * formula, and some do so after a leading tab or carriage return (OWASP
 * "CSV injection"). Such text gets a leading apostrophe, which spreadsheets
 * show as plain text. Numbers are written as numbers: `-3.5` is a value, not
 * a formula.
 */
export function spreadsheetSafeCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : '';
  }
  if (typeof value === 'boolean') return String(value);
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * A CSV document (RFC 4180 quoting, `\n` line ends) with a header line of
 * `columns` and one line per row, every cell made spreadsheet-safe.
 */
export function toCsv(columns: string[], rows: CsvCell[][]): string {
  return stringify(
    rows.map(row => row.map(spreadsheetSafeCell)),
    {
      header: true,
      columns: columns.map(spreadsheetSafeCell),
      record_delimiter: 'unix',
    },
  );
}
