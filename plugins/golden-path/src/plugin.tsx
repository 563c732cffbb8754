import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { RiRoadMapLine } from '@remixicon/react';
import { rootRouteRef } from './routes';
import { serviceNameFormField } from './components/ServiceNameField';

/** "Golden paths": the templates, what was made from them and what drifted. */
export const goldenPathsPage = PageBlueprint.make({
  params: {
    path: '/golden-paths',
    // The sidebar lists pages that have a route ref.
    routeRef: rootRouteRef,
    title: 'Golden paths',
    icon: <RiRoadMapLine size={20} />,
    loader: () =>
      import('./components/GoldenPathsPage').then(m => <m.GoldenPathsPage />),
  },
});

export const goldenPathPlugin = createFrontendPlugin({
  pluginId: 'golden-path',
  title: 'Golden paths',
  icon: <RiRoadMapLine />,
  info: { packageJson: () => import('../package.json') },
  extensions: [goldenPathsPage, serviceNameFormField],
  routes: {
    root: rootRouteRef,
  },
});
