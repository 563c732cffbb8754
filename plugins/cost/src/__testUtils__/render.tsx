import type { ReactElement } from 'react';
import { http, HttpResponse, type JsonBodyType } from 'msw';
import type { SetupServer } from 'msw/node';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { costApi } from '../plugin';
import { sources } from './fixtures';

/** Renders an element for an entity the way the app does: with the cost API and entity routes. */
export function renderCost(
  entity: Entity,
  element: ReactElement,
  options: { initialRouteEntries?: string[] } = {},
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>{element}</EntityProvider>,
    {
      extensions: [costApi],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      initialRouteEntries: options.initialRouteEntries,
    },
  );
}

type Route = 'entity' | 'rankings' | 'unattributed' | 'sources';

export function errorResponse(status: number, name: string, message: string) {
  return HttpResponse.json(
    { error: { name, message }, response: { statusCode: status } },
    { status },
  );
}

/**
 * Serves the cost read API from the given handlers and records every
 * request. Unless a test says otherwise one source is connected and
 * `/unattributed` answers 403, as it does for anyone but an admin.
 */
export function serveCost(
  server: SetupServer,
  routes: Partial<Record<Route, (url: URL) => JsonBodyType | Response>>,
) {
  const requests: URL[] = [];
  server.use(
    http.get('*/api/cost/:route', ({ request, params }) => {
      const url = new URL(request.url);
      requests.push(url);
      const handler = routes[params.route as Route];
      if (!handler) {
        if (params.route === 'sources') return HttpResponse.json(sources);
        if (params.route === 'unattributed') {
          return errorResponse(403, 'NotAllowedError', 'Only portal admins');
        }
        return errorResponse(404, 'NotFoundError', `no ${params.route}`);
      }
      const result = handler(url);
      return result instanceof Response ? result : HttpResponse.json(result);
    }),
  );
  return requests;
}
