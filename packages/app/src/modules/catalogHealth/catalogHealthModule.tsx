import {
  createFrontendModule,
  createRouteRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { RiHeartPulseLine } from '@remixicon/react';

/**
 * "Catalog health": catalog files and entities that failed processing.
 * Backstage only shows errors on entities that were stored at least once, so
 * a file that is broken from the start (bad YAML, an invalid entity) would
 * otherwise be visible in the backend logs alone.
 */
const catalogHealthRouteRef = createRouteRef();

const catalogHealthPage = PageBlueprint.make({
  name: 'health',
  params: {
    path: '/catalog-health',
    // The sidebar lists pages that have a route ref.
    routeRef: catalogHealthRouteRef,
    title: 'Catalog health',
    icon: <RiHeartPulseLine size={20} />,
    loader: () =>
      import('./CatalogHealthPage').then(m => <m.CatalogHealthPage />),
  },
});

export const catalogHealthModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [catalogHealthPage],
});
