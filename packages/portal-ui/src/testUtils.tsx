/**
 * Test helpers the frontend plugins share: render a view the way the app
 * does, and serve a plugin's read API with msw while recording what was
 * asked. Import from `@paved/portal-ui/testUtils`, in tests only.
 *
 * @packageDocumentation
 */
import type { ReactElement } from 'react';
import { http, HttpResponse, type JsonBodyType } from 'msw';
import type { SetupServer } from 'msw/node';
import {
  renderInTestApp,
  type TestAppOptions,
} from '@backstage/frontend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';

export type RenderOptions = {
  /** The plugin's API extensions (its ApiBlueprint), so views read through the real client. */
  extensions?: TestAppOptions['extensions'];
  config?: TestAppOptions['config'];
  apis?: TestAppOptions['apis'];
  initialRouteEntries?: string[];
};

/** Renders an element the way the app does: with the given API extensions and the catalog's entity routes. */
export function renderInPortal(
  element: ReactElement,
  options: RenderOptions = {},
) {
  return renderInTestApp(element, {
    extensions: options.extensions,
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    // Extra config replaces the test app's, so keep the URLs discovery needs.
    config: options.config && {
      app: { baseUrl: 'http://localhost:3000' },
      backend: { baseUrl: 'http://localhost:7007' },
      ...options.config,
    },
    apis: options.apis,
    initialRouteEntries: options.initialRouteEntries,
  });
}

/** Renders an element on an entity's page, as an entity tab or card is. */
export function renderForEntity(
  entity: Entity,
  element: ReactElement,
  options: RenderOptions = {},
) {
  return renderInPortal(
    <EntityProvider entity={entity}>{element}</EntityProvider>,
    options,
  );
}

/** A Backstage error body, as the backend's error handler writes it. */
export function errorResponse(status: number, name: string, message: string) {
  return HttpResponse.json(
    { error: { name, message }, response: { statusCode: status } },
    { status },
  );
}

export type RouteHandler = (url: URL) => JsonBodyType | Response;

/**
 * Serves `GET /api/<pluginId>/<route>` from the given handlers and records
 * every request, so tests can assert what a view asked for. A route without
 * a handler gets `fallback`'s answer, else a 404.
 */
export function serveReads<Route extends string>(
  server: SetupServer,
  pluginId: string,
  routes: Partial<Record<Route, RouteHandler>>,
  fallback: Partial<Record<string, RouteHandler>> = {},
): URL[] {
  const requests: URL[] = [];
  server.use(
    http.get(`*/api/${pluginId}/:route`, ({ request, params }) => {
      const url = new URL(request.url);
      requests.push(url);
      const route = String(params.route);
      const handler =
        routes[route as Route] ??
        fallback[route] ??
        (() => errorResponse(404, 'NotFoundError', `no ${route}`));
      const result = handler(url);
      return result instanceof Response ? result : HttpResponse.json(result);
    }),
  );
  return requests;
}
