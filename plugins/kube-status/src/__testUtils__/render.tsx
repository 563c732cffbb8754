import type { ReactElement } from 'react';
import { http, HttpResponse, type JsonBodyType } from 'msw';
import type { SetupServer } from 'msw/node';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { kubeStatusApi } from '../plugin';

/** Renders an entity's view the way the app does: with the API and entity routes. */
export function renderForEntity(
  entity: Entity,
  element: ReactElement,
  options: { initialRouteEntries?: string[] } = {},
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>{element}</EntityProvider>,
    {
      extensions: [kubeStatusApi],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      initialRouteEntries: options.initialRouteEntries,
    },
  );
}

/** A Backstage error body, as the backend's error handler writes it. */
export function errorResponse(status: number, name: string, message: string) {
  return HttpResponse.json(
    { error: { name, message }, response: { statusCode: status } },
    { status },
  );
}

/**
 * Serves the kube-status read API and records every request, so tests can
 * assert what the page asked for.
 */
export function serveKubeStatus(
  server: SetupServer,
  routes: Partial<
    Record<'entity' | 'team', (url: URL) => JsonBodyType | Response>
  >,
) {
  const requests: URL[] = [];
  server.use(
    http.get('*/api/kube-status/:route', ({ request, params }) => {
      const url = new URL(request.url);
      requests.push(url);
      const handler = routes[params.route as keyof typeof routes];
      if (!handler) {
        return errorResponse(404, 'NotFoundError', `no ${params.route}`);
      }
      const result = handler(url);
      return result instanceof Response ? result : HttpResponse.json(result);
    }),
  );
  return requests;
}
