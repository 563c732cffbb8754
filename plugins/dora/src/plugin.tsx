import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { RiRocket2Line } from '@remixicon/react';
import { DoraClient, doraApiRef } from './api';
import { rootRouteRef } from './routes';

export const doraApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: doraApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DoraClient({ discoveryApi, fetchApi }),
    }),
});

/** The Delivery page in the sidebar: a team's DORA metrics. */
export const deliveryPage = PageBlueprint.make({
  params: {
    path: '/delivery',
    title: 'Delivery',
    icon: <RiRocket2Line size={20} />,
    // The sidebar lists pages that have a route ref.
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/DeliveryPage').then(m => <m.DeliveryPage />),
  },
});

/** The Delivery tab of a group: the same dashboard as the page. */
export const groupDeliveryContent = EntityContentBlueprint.make({
  name: 'group',
  params: {
    path: 'delivery',
    title: 'Delivery',
    // Measurements of how it ships, beside the other dashboards; alone in
    // its group it stays a tab of its own.
    group: 'observability',
    filter: { kind: 'group' },
    loader: () =>
      import('./components/EntityDeliveryContent').then(m => (
        <m.EntityDeliveryContent />
      )),
  },
});

/** The Delivery tab of a system or a component. */
export const entityDeliveryContent = EntityContentBlueprint.make({
  params: {
    path: 'delivery',
    title: 'Delivery',
    // Measurements of how it ships, beside the other dashboards; alone in
    // its group it stays a tab of its own.
    group: 'observability',
    filter: { kind: { $in: ['system', 'component'] } },
    loader: () =>
      import('./components/EntityDeliveryContent').then(m => (
        <m.EntityDeliveryContent />
      )),
  },
});

/** The DORA card on a component's overview. */
export const entityDoraCard = EntityCardBlueprint.make({
  params: {
    // Beside "About": the numbers are a summary, the tab has the detail.
    type: 'info',
    filter: { kind: 'component' },
    loader: () =>
      import('./components/EntityDoraCard').then(m => <m.EntityDoraCard />),
  },
});

export const doraPlugin = createFrontendPlugin({
  pluginId: 'dora',
  title: 'Delivery',
  icon: <RiRocket2Line />,
  info: { packageJson: () => import('../package.json') },
  extensions: [
    doraApi,
    deliveryPage,
    groupDeliveryContent,
    entityDeliveryContent,
    entityDoraCard,
  ],
  routes: {
    root: rootRouteRef,
  },
});
