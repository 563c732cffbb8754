import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
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

/**
 * The Outcomes tab of groups, systems and components: speed, stability and
 * cost as one system. A tab of its own, first among the dashboards.
 */
export const entityOutcomesContent = EntityContentBlueprint.make({
  params: {
    path: 'outcomes',
    title: 'Outcomes',
    filter: { kind: { $in: ['group', 'system', 'component'] } },
    loader: () =>
      import('./components/EntityOutcomesContent').then(m => (
        <m.EntityOutcomesContent />
      )),
  },
});

/** The Outcomes card on a component's overview. */
export const entityOutcomesCard = EntityCardBlueprint.make({
  params: {
    type: 'content',
    filter: { kind: 'component' },
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
  extensions: [outcomesApi, entityOutcomesContent, entityOutcomesCard],
});
