import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { RiScales3Line } from '@remixicon/react';
import { OutcomesClient, outcomesApiRef } from './api';

export const outcomesApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: outcomesApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new OutcomesClient({ discoveryApi, fetchApi }),
    }),
});

const rootRouteRef = createRouteRef();

/** The Outcomes page in the sidebar: every team side by side, for leadership. */
export const outcomesPage = PageBlueprint.make({
  params: {
    path: '/outcomes',
    title: 'Outcomes',
    icon: <RiScales3Line size={20} />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/OrganisationPage').then(m => <m.OrganisationPage />),
  },
});

/**
 * The Outcomes tab of groups, systems and components: speed, stability and
 * cost as one system, with the weekly trends and every signal. Placed right
 * after the overview (app-config.yaml orders the tabs).
 */
export const entityOutcomesContent = EntityContentBlueprint.make({
  params: {
    path: 'outcomes',
    title: 'Outcomes',
    group: 'outcomes',
    filter: { kind: { $in: ['group', 'system', 'component'] } },
    loader: () =>
      import('./components/EntityOutcomesContent').then(m => (
        <m.EntityOutcomesContent />
      )),
  },
});

/**
 * The Outcomes card on the overview of components, systems and groups: what
 * a team lead sees first on opening their team.
 */
export const entityOutcomesCard = EntityCardBlueprint.make({
  params: {
    type: 'content',
    filter: { kind: { $in: ['group', 'system', 'component'] } },
    loader: () =>
      import('./components/EntityOutcomesCard').then(m => (
        <m.EntityOutcomesCard />
      )),
  },
});

export const outcomesPlugin = createFrontendPlugin({
  pluginId: 'outcomes',
  title: 'Outcomes',
  icon: <RiScales3Line />,
  info: { packageJson: () => import('../package.json') },
  extensions: [
    outcomesApi,
    outcomesPage,
    entityOutcomesContent,
    entityOutcomesCard,
  ],
  routes: { root: rootRouteRef },
});
