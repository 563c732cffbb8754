/**
 * Bounds of every DORA read, the same for the HTTP API and the MCP actions.
 * A request outside them is refused with 400 before any data is read.
 */

/** The longest window `[from, to)` a read may name, in days (two years). */
export const DORA_MAX_WINDOW_DAYS = 731;

/** The window a read covers when it names no `from`, in days. */
export const DORA_DEFAULT_WINDOW_DAYS = 30;

/** The most points one series may have (window ÷ interval). */
export const DORA_MAX_SERIES_POINTS = 1000;

/** The largest page of the deployments drill-down. */
export const DORA_MAX_PAGE_SIZE = 500;

/** The page size of the deployments drill-down when none is asked for. */
export const DORA_DEFAULT_PAGE_SIZE = 100;
