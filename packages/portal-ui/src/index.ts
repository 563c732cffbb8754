/**
 * What Paved's frontend plugins share: styles built on @backstage/ui's tokens,
 * one meaning of a time window, error states, downloads and small formatters
 * (test helpers are in `@paved/portal-ui/testUtils`).
 *
 * @packageDocumentation
 */
import chart from './chart.module.css';
import chip from './chip.module.css';
import filters from './filters.module.css';
import help from './help.module.css';
import { formatShortDay } from './format';

/**
 * `chart` on the element around a recharts chart (grid, axes, series in
 * --paved-series, cursor); `chartTooltip` and `chartTooltipValue` for a
 * custom tooltip's box and its figure; `legend` on a legend's list and
 * `swatch` on each entry's colour square (the plugin colours it).
 */
export const chartStyles = chart;

/** Props of a recharts XAxis of days (`dataKey` apart): short dates, spaced. */
export const dayAxisProps = {
  tickFormatter: formatShortDay,
  minTickGap: 16,
  tickLine: false,
  fontSize: 11,
} as const;

/** Props of a recharts YAxis of whole counts. */
export const countAxisProps = {
  width: 40,
  allowDecimals: false,
  tickLine: false,
  axisLine: false,
  fontSize: 11,
} as const;

/** `chip` on a status chip; its `data-tone` attribute takes a ChipTone. */
export const chipStyles = chip;

/**
 * The filter bar above a dashboard: `filters` on the bar, `select` on each
 * select (a fixed width, so the bar does not jump), `filtersEnd` on what
 * sits at its right end.
 */
export const filterStyles = filters;

/**
 * An empty state that explains how to connect a source: `help` on the
 * block (its inline `code` in the monospace font), `code` on a `pre` with
 * a command or configuration to copy.
 */
export const helpStyles = help;

/** The status tones a chip can take; none is neutral. */
export type ChipTone = 'success' | 'info' | 'warning' | 'danger';

export {
  errorMessage,
  formatDateTime,
  formatDay,
  formatNumber,
  formatShortDay,
  formatUtcDateTime,
  isForbidden,
  plural,
} from './format';
export {
  formatDuration,
  formatFrequency,
  formatMoney,
  formatRate,
  moneyFormat,
} from './measures';
export { ChartDataTable, type ChartDataRow } from './ChartDataTable';
export {
  DEFAULT_WINDOW_PRESET,
  isoDate,
  isWindowPreset,
  resolveWindow,
  startOfDay,
  windowPresets,
  type DayWindow,
  type ResolvedWindow,
  type WindowChoice,
} from './window';
export { ReadError } from './ReadError';
export {
  WindowPicker,
  WindowProblem,
  type WindowPickerChange,
} from './WindowPicker';
export { saveBlob } from './download';
export { useSearchParamsUpdate } from './useSearchParamsUpdate';
