/**
 * Styles Paved's frontend plugins share, built on @backstage/ui's tokens.
 *
 * @packageDocumentation
 */
import chart from './chart.module.css';
import chip from './chip.module.css';

/**
 * `chart` on the element around a recharts chart (grid, axes, series in
 * --paved-series, cursor); `chartTooltip` and `chartTooltipValue` for a
 * custom tooltip's box and its figure.
 */
export const chartStyles = chart;

/** `chip` on a status chip; its `data-tone` attribute takes a ChipTone. */
export const chipStyles = chip;

/** The status tones a chip can take; none is neutral. */
export type ChipTone = 'success' | 'info' | 'warning' | 'danger';
