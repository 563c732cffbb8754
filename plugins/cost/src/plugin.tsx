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
import { RiMoneyDollarCircleLine } from '@remixicon/react';
import { CostClient, costApiRef } from './api';

export const costApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: costApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new CostClient({ discoveryApi, fetchApi }),
    }),
});

/** The Cost tab of a component or a system. */
export const entityCostContent = EntityContentBlueprint.make({
  params: {
    path: 'cost',
    title: 'Cost',
    // What it costs to run: an operational concern.
    group: 'operation',
    filter: { kind: { $in: ['system', 'component'] } },
    loader: () =>
      import('./components/EntityCostContent').then(m => (
        <m.EntityCostContent />
      )),
  },
});

/** The Cost tab of a group: the team's cost and its components ranked. */
export const groupCostContent = EntityContentBlueprint.make({
  name: 'group',
  params: {
    path: 'cost',
    title: 'Cost',
    // What it costs to run: an operational concern.
    group: 'operation',
    filter: { kind: 'group' },
    loader: () =>
      import('./components/GroupCostContent').then(m => <m.GroupCostContent />),
  },
});

/** The cost card on a component's overview. */
export const entityCostCard = EntityCardBlueprint.make({
  params: {
    // Beside "About": a summary; the tab has the detail.
    type: 'info',
    filter: { kind: 'component' },
    loader: () =>
      import('./components/EntityCostCard').then(m => <m.EntityCostCard />),
  },
});

export const costPlugin = createFrontendPlugin({
  pluginId: 'cost',
  title: 'Cost',
  icon: <RiMoneyDollarCircleLine />,
  info: { packageJson: () => import('../package.json') },
  extensions: [costApi, entityCostContent, groupCostContent, entityCostCard],
});
