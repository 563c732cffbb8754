/**
 * Reads a CSV document as `toCsv` writes it (RFC 4180 quoting, `\n` line
 * ends) into its rows of cells: the cells a spreadsheet would see. For tests
 * and scripts that check an export.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else {
      cell += c;
    }
  }
  // A last line without a line end.
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}
