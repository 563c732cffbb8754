import type { ReactNode } from 'react';
import { VisuallyHidden } from '@backstage/ui';

/** One row of a chart's data table: its period and a cell per column. */
export type ChartDataRow = {
  key: string;
  /** The row's header, e.g. the period a point covers. */
  label: ReactNode;
  /** One cell per column after the first. */
  cells: ReactNode[];
};

/**
 * The numbers behind a chart for screen readers: a table that is read out
 * but not shown, since a chart's bars and lines say nothing to them. The
 * first column heads the rows.
 */
export const ChartDataTable = ({
  caption,
  columns,
  rows,
}: {
  caption: ReactNode;
  /** Column headings, the row headers' column first. */
  columns: string[];
  rows: ChartDataRow[];
}) => (
  <VisuallyHidden>
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map(column => (
            <th scope="col" key={column}>
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(row => (
          <tr key={row.key}>
            <th scope="row">{row.label}</th>
            {row.cells.map((cell, i) => (
              <td key={columns[i + 1] ?? i}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  </VisuallyHidden>
);
