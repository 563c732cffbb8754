import { stringifyEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  addDays,
  dayStart,
  DAY_MS,
  parseCostWindow,
  type CostWindow,
} from '@paved/plugin-cost-common';

/**
 * The one place where an outcomes read is checked, for the HTTP API and the
 * MCP action alike: a window of whole UTC days (the cost API's own rules,
 * so both streams answer for exactly the same days), an environment and an
 * optional scope. All of it arithmetic on the request; nothing is asked of
 * another plugin before it passes.
 */

/** The longest window: the read also fetches the two windows before it. */
export const MAX_OUTCOMES_WINDOW_DAYS = 366;

/** Environments are at most 63 characters at DORA ingest. */
const MAX_ENVIRONMENT_LENGTH = 63;
const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SCOPE_KINDS = ['component', 'system', 'group'];

export type OutcomesQuery = {
  /** A normalised component, system or group ref; none for the organisation. */
  entityRef?: string;
  environment: string;
  /** The window and the two before it, newest first, each as long. */
  windows: [CostWindow, CostWindow, CostWindow];
};

const KNOWN = ['entityRef', 'from', 'to', 'environment'];

function text(raw: Record<string, unknown>, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new InputError(`${key} must be given once, as text`);
  }
  return value;
}

/** The same-length window before a window. */
export function windowBefore(window: CostWindow): CostWindow {
  const days = windowDays(window);
  return { from: addDays(window.from, -days), to: window.from };
}

/** The number of days of a window. */
export function windowDays(window: CostWindow): number {
  return Math.round((dayStart(window.to)! - dayStart(window.from)!) / DAY_MS);
}

export function parseOutcomesQuery(
  raw: Record<string, unknown>,
  now: Date = new Date(),
): OutcomesQuery {
  const unknown = Object.keys(raw).filter(key => !KNOWN.includes(key));
  if (unknown.length > 0) {
    throw new InputError(
      `unknown parameter ${unknown
        .slice(0, 5)
        .map(k => k.slice(0, 50))
        .join(', ')}; expected ${KNOWN.join(', ')}`,
    );
  }
  const parsed = parseCostWindow(
    { from: text(raw, 'from'), to: text(raw, 'to') },
    now,
  );
  if ('error' in parsed) throw new InputError(parsed.error);
  const days = windowDays(parsed.window);
  if (days > MAX_OUTCOMES_WINDOW_DAYS) {
    throw new InputError(
      `from and to may be at most ${MAX_OUTCOMES_WINDOW_DAYS} days apart, got ${days}`,
    );
  }
  const previous = windowBefore(parsed.window);
  const beforePrevious = windowBefore(previous);
  if (dayStart(beforePrevious.from) === undefined) {
    throw new InputError('from is too early to compare with earlier windows');
  }

  const environment = text(raw, 'environment') ?? 'production';
  if (
    environment.length > MAX_ENVIRONMENT_LENGTH ||
    !ENVIRONMENT.test(environment)
  ) {
    throw new InputError(
      `environment must be letters, digits, '.', '_' or '-' (at most ${MAX_ENVIRONMENT_LENGTH}), as DORA events name it`,
    );
  }

  const ref = text(raw, 'entityRef');
  let entityRef: string | undefined;
  if (ref !== undefined) {
    let kind: string;
    try {
      const parsedRef = parseEntityRef(ref.slice(0, 256));
      kind = parsedRef.kind.toLocaleLowerCase('en-US');
      entityRef = stringifyEntityRef({ ...parsedRef, kind });
    } catch {
      throw new InputError(
        `entityRef must be an entity ref such as group:default/payments, got '${ref.slice(
          0,
          80,
        )}'`,
      );
    }
    if (ref.length > 255 || !SCOPE_KINDS.includes(kind)) {
      throw new InputError(
        'entityRef must name a component, system or group (at most 255 characters)',
      );
    }
  }
  return {
    entityRef,
    environment,
    windows: [parsed.window, previous, beforePrevious],
  };
}
