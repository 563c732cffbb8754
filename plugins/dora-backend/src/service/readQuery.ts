import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  DORA_DEFAULT_PAGE_SIZE,
  DORA_DEFAULT_WINDOW_DAYS,
  DORA_MAX_PAGE_SIZE,
  DORA_MAX_SERIES_POINTS,
  DORA_MAX_WINDOW_DAYS,
  doraMetricNames,
  type DoraDeploymentFilter,
  type DoraMetricName,
  type DoraSeriesInterval,
} from '@paved/plugin-dora-common';

/**
 * The one place where DORA reads are checked, for the HTTP API and the MCP
 * actions alike. Everything here is arithmetic on the request: a request
 * outside the bounds is refused before the catalog or the database is asked,
 * and nothing is allocated in proportion to the window it names.
 */

const DAY = 86_400_000;

/** A read's validated scope, window `[from, to)` and environment. */
export type ReadScope = {
  entityRef?: string;
  from: Date;
  to: Date;
  environment: string;
};

/** A read as it arrives: query parameters or an action's input. */
export type RawReadQuery = Record<string, unknown>;

const scopeKeys = ['entityRef', 'from', 'to', 'environment'];
const scopeKinds = ['component', 'system', 'group'];
const seriesIntervals: DoraSeriesInterval[] = ['day', 'week', 'month'];
export const deploymentFilters: DoraDeploymentFilter[] = [
  'all',
  'failed',
  'rework',
  'with-changes',
];

/** Entity refs are stored in 255-character columns. */
const MAX_ENTITY_REF_LENGTH = 255;
/** Environments are at most 63 characters at ingest. */
const MAX_ENVIRONMENT_LENGTH = 63;
/** Longer than any ISO-8601 timestamp this API accepts. */
const MAX_TIMESTAMP_LENGTH = 40;

// YYYY-MM-DDThh:mm[:ss[.fraction]] followed by Z or ±hh:mm: an instant.
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** One optional text parameter: absent, empty or a single string. */
function text(raw: RawReadQuery, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new InputError(`${key} must be given once, as text`);
  }
  return value;
}

/** Refuses parameters the read does not know, naming them. */
export function rejectUnknownParameters(
  raw: RawReadQuery,
  extraKeys: string[] = [],
) {
  const known = new Set([...scopeKeys, ...extraKeys]);
  const unknown = Object.keys(raw).filter(key => !known.has(key));
  if (unknown.length > 0) {
    throw new InputError(
      `unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown
        .slice(0, 5)
        .map(k => k.slice(0, 50))
        .join(', ')}; expected ${[...known].join(', ')}`,
    );
  }
}

const GROUP_TYPE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** The group type of a groups read (`spec.type`, default `team`). */
export function parseGroupType(raw: RawReadQuery): string {
  const type = text(raw, 'type') ?? 'team';
  if (!GROUP_TYPE.test(type)) {
    throw new InputError(
      'type must be a group type (spec.type) such as team or department: letters, digits, dots, dashes and underscores, at most 63',
    );
  }
  return type;
}

/**
 * An ISO-8601 timestamp with an offset (`Z` or `±hh:mm`) as epoch
 * milliseconds; a date alone or a local time names no instant and is
 * refused, as is a day that does not exist.
 */
export function parseTimestamp(name: string, value: string): number {
  const match =
    value.length <= MAX_TIMESTAMP_LENGTH ? TIMESTAMP.exec(value) : null;
  if (!match) {
    // A `+` in a query string arrives as a space.
    const hint = / \d{2}:\d{2}$/.test(value.slice(0, MAX_TIMESTAMP_LENGTH))
      ? ' (write the + of the offset as %2B in a URL)'
      : '';
    throw new InputError(
      `${name} must be an ISO-8601 timestamp with an offset, e.g. 2026-10-01T00:00:00Z or 2026-10-01T00:00:00+02:00${hint}`,
    );
  }
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, oh, om] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(Number(h), Number(mi), Number(s ?? 0));
  const valid =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    Number(h) < 24 &&
    Number(mi) < 60 &&
    Number(s ?? 0) < 60 &&
    (zulu || (Number(oh) < 24 && Number(om) < 60));
  if (!valid) {
    throw new InputError(`${name} is not a date and time that exists`);
  }
  const millis = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  const offset = zulu
    ? 0
    : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  return date.getTime() + millis - offset;
}

/**
 * Validates the scope and window every DORA read shares: `entityRef` a
 * component, system or group ref; `from`/`to` timestamps with an offset,
 * `from` before `to`, at most {@link DORA_MAX_WINDOW_DAYS} days apart
 * (default: the {@link DORA_DEFAULT_WINDOW_DAYS} days before `to`, which
 * defaults to now); `environment` a name as events carry it.
 */
export function parseReadScope(
  raw: RawReadQuery,
  now: number = Date.now(),
): ReadScope {
  const entityRef = text(raw, 'entityRef');
  if (entityRef !== undefined) {
    if (entityRef.length > MAX_ENTITY_REF_LENGTH) {
      throw new InputError(
        `entityRef is longer than ${MAX_ENTITY_REF_LENGTH} characters`,
      );
    }
    let kind: string;
    try {
      kind = parseEntityRef(entityRef).kind.toLocaleLowerCase('en-US');
    } catch {
      throw new InputError(
        `entityRef must be an entity ref such as group:default/payments, got ${entityRef}`,
      );
    }
    if (!scopeKinds.includes(kind)) {
      throw new InputError(
        `entityRef must name a component, system or group, not a ${kind}`,
      );
    }
  }

  const toText = text(raw, 'to');
  const fromText = text(raw, 'from');
  const to = toText === undefined ? now : parseTimestamp('to', toText);
  const from =
    fromText === undefined
      ? to - DORA_DEFAULT_WINDOW_DAYS * DAY
      : parseTimestamp('from', fromText);
  if (from >= to) {
    throw new InputError(
      `from (${new Date(from).toISOString()}) must be before to (${new Date(
        to,
      ).toISOString()})`,
    );
  }
  if (to - from > DORA_MAX_WINDOW_DAYS * DAY) {
    throw new InputError(
      `the window from ${new Date(from).toISOString()} to ${new Date(
        to,
      ).toISOString()} is longer than ${DORA_MAX_WINDOW_DAYS} days`,
    );
  }

  const environment = text(raw, 'environment') ?? 'production';
  if (
    environment.length > MAX_ENVIRONMENT_LENGTH ||
    hasControlCharacter(environment)
  ) {
    throw new InputError(
      `environment must be a name of at most ${MAX_ENVIRONMENT_LENGTH} characters without control characters`,
    );
  }

  return {
    entityRef:
      entityRef === undefined
        ? undefined
        : stringifyEntityRef(parseEntityRef(entityRef)),
    from: new Date(from),
    to: new Date(to),
    environment,
  };
}

/** The most windows before its own a metrics read also answers. */
export const MAX_PREVIOUS_WINDOWS = 2;

/**
 * How many windows of the same length before the read's own it also
 * answers (`previousWindows`, default 0), and those windows, newest first.
 */
export function parsePreviousWindows(
  raw: RawReadQuery,
  scope: ReadScope,
): Array<{ from: Date; to: Date }> {
  // The HTTP API's validator hands over the integer its spec declares; an
  // action's input may carry the digits as text.
  let count = NaN;
  if (typeof raw.previousWindows === 'number') {
    count = raw.previousWindows;
  } else {
    const digits = text(raw, 'previousWindows');
    if (digits === undefined) return [];
    if (/^\d$/.test(digits)) count = Number(digits);
  }
  if (
    !(Number.isInteger(count) && count >= 0 && count <= MAX_PREVIOUS_WINDOWS)
  ) {
    throw new InputError(
      `previousWindows must be a whole number from 0 to ${MAX_PREVIOUS_WINDOWS}`,
    );
  }
  const length = scope.to.getTime() - scope.from.getTime();
  return Array.from({ length: count }, (_, i) => ({
    from: new Date(scope.from.getTime() - (i + 1) * length),
    to: new Date(scope.to.getTime() - (i + 1) * length),
  }));
}

/**
 * How many points a series of `[from, to)` by `interval` has, counted
 * without building them (calendar months for `month`).
 */
export function seriesPointCount(
  from: Date,
  to: Date,
  interval: DoraSeriesInterval,
): number {
  const span = to.getTime() - from.getTime();
  if (interval === 'day') return Math.ceil(span / DAY);
  if (interval === 'week') return Math.ceil(span / (7 * DAY));
  const months =
    (to.getUTCFullYear() - from.getUTCFullYear()) * 12 +
    (to.getUTCMonth() - from.getUTCMonth());
  return months + 1;
}

/** The metric and interval of a series read, checked against its window. */
export function parseSeriesRequest(
  raw: RawReadQuery,
  scope: ReadScope,
  maxPoints: number = DORA_MAX_SERIES_POINTS,
): { metric: DoraMetricName; interval: DoraSeriesInterval } {
  const metric = text(raw, 'metric');
  if (!metric || !(doraMetricNames as readonly string[]).includes(metric)) {
    throw new InputError(`metric must be one of ${doraMetricNames.join(', ')}`);
  }
  return {
    metric: metric as DoraMetricName,
    interval: parseInterval(raw, scope, maxPoints),
  };
}

/**
 * A series' interval (default week), refused if it gives too many points;
 * `key` names the parameter that carries it.
 */
export function parseInterval(
  raw: RawReadQuery,
  scope: ReadScope,
  maxPoints: number = DORA_MAX_SERIES_POINTS,
  key: string = 'interval',
): DoraSeriesInterval {
  const interval = text(raw, key) ?? 'week';
  if (!(seriesIntervals as string[]).includes(interval)) {
    throw new InputError(`${key} must be one of ${seriesIntervals.join(', ')}`);
  }
  const points = seriesPointCount(
    scope.from,
    scope.to,
    interval as DoraSeriesInterval,
  );
  if (points > maxPoints) {
    throw new InputError(
      `a series by ${interval} over this window has ${points} points, more than ${maxPoints}; choose a longer interval or a shorter window`,
    );
  }
  return interval as DoraSeriesInterval;
}

/** Which deployments a drill-down lists; default all. */
export function parseDeploymentFilter(raw: RawReadQuery): DoraDeploymentFilter {
  const filter = text(raw, 'filter') ?? 'all';
  if (!(deploymentFilters as string[]).includes(filter)) {
    throw new InputError(
      `filter must be one of ${deploymentFilters.join(', ')}`,
    );
  }
  return filter as DoraDeploymentFilter;
}

/** The largest offset a cursor may carry (nine digits). */
const MAX_OFFSET = 999_999_999;

/**
 * A page of the drill-down: `limit` a whole number from 1 to
 * {@link DORA_MAX_PAGE_SIZE}; `cursor` one this API returned (the base64url
 * of the next row's offset).
 */
export function parsePage(raw: RawReadQuery): {
  limit: number;
  offset: number;
} {
  // The HTTP API's validator hands over the integer its spec declares; an
  // action's input carries the digits as text.
  const limitValue =
    typeof raw.limit === 'number' ? raw.limit : text(raw, 'limit');
  let limit = DORA_DEFAULT_PAGE_SIZE;
  if (limitValue !== undefined) {
    if (typeof limitValue === 'number') limit = limitValue;
    else limit = /^\d{1,4}$/.test(limitValue) ? Number(limitValue) : NaN;
    if (
      !(Number.isInteger(limit) && limit >= 1 && limit <= DORA_MAX_PAGE_SIZE)
    ) {
      throw new InputError(
        `limit must be a whole number from 1 to ${DORA_MAX_PAGE_SIZE}`,
      );
    }
  }
  const cursor = text(raw, 'cursor');
  let offset = 0;
  if (cursor !== undefined) {
    const decoded =
      cursor.length <= 16 && /^[A-Za-z0-9_-]+$/.test(cursor)
        ? Buffer.from(cursor, 'base64url').toString()
        : '';
    if (!/^\d{1,9}$/.test(decoded) || Number(decoded) > MAX_OFFSET) {
      throw new InputError('cursor is not one this API returned');
    }
    offset = Number(decoded);
  }
  return { limit, offset };
}

/** The cursor of the page that starts at `offset`. */
export function cursorFor(offset: number): string {
  return Buffer.from(String(offset)).toString('base64url');
}
