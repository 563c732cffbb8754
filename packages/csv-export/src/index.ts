/**
 * CSV downloads that are safe to open in a spreadsheet.
 *
 * @packageDocumentation
 */
export { spreadsheetSafeCell, toCsv, type CsvCell } from './toCsv';
export { parseCsv } from './parseCsv';
