import type { ReactElement } from 'react';
import type { SetupServer } from 'msw/node';
import type { Entity } from '@backstage/catalog-model';
import {
  errorResponse,
  renderForEntity,
  serveReads,
  type RouteHandler,
} from '@paved/portal-ui/testUtils';
import { costApi } from '../plugin';
import { sources } from './fixtures';

export { errorResponse };

/** Renders an element for an entity the way the app does: with the cost API and entity routes. */
export function renderCost(
  entity: Entity,
  element: ReactElement,
  options: { initialRouteEntries?: string[] } = {},
) {
  return renderForEntity(entity, element, {
    extensions: [costApi],
    initialRouteEntries: options.initialRouteEntries,
  });
}

type Route = 'entity' | 'rankings' | 'unattributed' | 'sources';

/**
 * Serves the cost read API from the given handlers and records every
 * request. Unless a test says otherwise one source is connected and
 * `/unattributed` answers 403, as it does for anyone but an admin.
 */
export function serveCost(
  server: SetupServer,
  routes: Partial<Record<Route, RouteHandler>>,
) {
  return serveReads(server, 'cost', routes, {
    sources: () => sources,
    unattributed: () =>
      errorResponse(403, 'NotAllowedError', 'Only portal admins'),
  });
}
