import type { ReactElement } from 'react';
import type { SetupServer } from 'msw/node';
import type { Entity } from '@backstage/catalog-model';
import {
  errorResponse,
  renderForEntity as renderInPortalForEntity,
  serveReads,
  type RouteHandler,
} from '@paved/portal-ui/testUtils';
import { kubeStatusApi } from '../plugin';

export { errorResponse };

/** Renders an entity's view the way the app does: with the API and entity routes. */
export function renderForEntity(
  entity: Entity,
  element: ReactElement,
  options: { initialRouteEntries?: string[] } = {},
) {
  return renderInPortalForEntity(entity, element, {
    extensions: [kubeStatusApi],
    initialRouteEntries: options.initialRouteEntries,
  });
}

/**
 * Serves the kube-status read API and records every request, so tests can
 * assert what the page asked for.
 */
export function serveKubeStatus(
  server: SetupServer,
  routes: Partial<Record<'entity' | 'team', RouteHandler>>,
) {
  return serveReads(server, 'kube-status', routes);
}
