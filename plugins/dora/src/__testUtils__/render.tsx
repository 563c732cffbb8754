import type { ReactElement } from 'react';
import { HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type {
  AiSplit,
  AiSplitSide,
  DoraSeries,
} from '@paved/plugin-dora-common';
import {
  renderInPortal,
  serveReads,
  type RenderOptions,
  type RouteHandler,
} from '@paved/portal-ui/testUtils';
import { doraApi } from '../plugin';
import { EntityDeliveryContent } from '../components/EntityDeliveryContent';

const DAY = 86_400_000;

/** Renders an element the way the app does: with the DORA API and entity routes. */
export function renderDora(
  element: ReactElement,
  options: Omit<RenderOptions, 'extensions'> = {},
) {
  return renderInPortal(element, { ...options, extensions: [doraApi] });
}

export function renderEntityDelivery(
  entity: Entity,
  options: Parameters<typeof renderDora>[1] = {},
) {
  return renderDora(
    <EntityProvider entity={entity}>
      <EntityDeliveryContent />
    </EntityProvider>,
    options,
  );
}

/** A series of `count` points ending now, one per interval. */
export function seriesFixture(
  url: URL,
  values: Array<number | null>,
): DoraSeries {
  const interval = (url.searchParams.get('interval') ??
    'week') as DoraSeries['interval'];
  const step = { day: 1, week: 7, month: 30 }[interval] * DAY;
  const start = Date.parse(url.searchParams.get('from')!);
  return {
    entityRef: url.searchParams.get('entityRef'),
    environment: url.searchParams.get('environment') ?? 'production',
    metric: url.searchParams.get('metric') as DoraSeries['metric'],
    interval,
    points: values.map((value, i) => ({
      start: new Date(start + i * step).toISOString(),
      end: new Date(start + (i + 1) * step).toISOString(),
      value,
      n: value === null ? 0 : 4,
    })),
  };
}

/**
 * Serves the DORA read API from the given handlers and records every
 * request, so tests can assert what the page asked for.
 */
export function serveDora(
  server: SetupServer,
  routes: Partial<
    Record<
      | 'metrics'
      | 'series'
      | 'breakdown'
      | 'deployments'
      | 'unattributed'
      | 'ai-split',
      RouteHandler
    >
  >,
) {
  const metrics = routes.metrics;
  return serveReads(
    server,
    'dora',
    metrics ? { ...routes, metrics: withPreviousWindows(metrics) } : routes,
    {
      unattributed: () =>
        HttpResponse.json(
          { error: { name: 'NotAllowedError', message: 'Only portal admins' } },
          { status: 403 },
        ),
      series: url => seriesFixture(url, [1, 2, 3]),
      'ai-split': url => aiSplitFixture(url),
    },
  );
}

/**
 * A metrics route that, as the backend does, answers `previousWindows`
 * with what it answers for each window of the same length just before,
 * newest first, in `previous`.
 */
function withPreviousWindows(handler: RouteHandler): RouteHandler {
  return url => {
    const count = Number(url.searchParams.get('previousWindows') ?? 0);
    const windowOf = (shift: number) => {
      const shifted = new URL(url);
      shifted.searchParams.delete('previousWindows');
      const from = Date.parse(url.searchParams.get('from')!);
      const to = Date.parse(url.searchParams.get('to')!);
      shifted.searchParams.set(
        'from',
        new Date(from - shift * (to - from)).toISOString(),
      );
      shifted.searchParams.set(
        'to',
        new Date(to - shift * (to - from)).toISOString(),
      );
      return handler(shifted);
    };
    const current = windowOf(0);
    if (count === 0 || current instanceof Response) return current;
    const previous = Array.from({ length: count }, (_, i) => windowOf(i + 1));
    const refused = previous.find(answer => answer instanceof Response);
    return refused ?? { ...(current as object), previous };
  };
}

/** An AI split of the scope: no AI-assisted changes unless one is given. */
export function aiSplitFixture(
  url: URL,
  sides: Partial<Pick<AiSplit, 'aiAssisted' | 'other'>> = {},
): AiSplit {
  const none: AiSplitSide = {
    changes: 0,
    changeLeadTime: { p50: null, p75: null, p90: null, n: 0 },
    deployments: 0,
    failed: 0,
    changeFailRate: null,
    rework: 0,
    deploymentReworkRate: null,
  };
  return {
    entityRef: url.searchParams.get('entityRef'),
    environment: 'production',
    from: url.searchParams.get('from')!,
    to: url.searchParams.get('to')!,
    aiAssisted: none,
    other: none,
    ...sides,
    truncated: false,
  };
}

/** The current window's read has the later `to`; the previous window ends where it starts. */
export function isPreviousWindow(url: URL) {
  return Date.parse(url.searchParams.get('to')!) < Date.now() - 2 * DAY;
}
