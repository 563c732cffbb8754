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
import { RiShip2Line } from '@remixicon/react';
import { KubeStatusClient, kubeStatusApiRef } from './api';

/** The catalog's filter predicate (its package is not a dependency of ours). */
type EntityFilter = Extract<
  Parameters<typeof EntityCardBlueprint.make>[0]['params'],
  { loader: unknown }
>['filter'];

/**
 * Components with an annotation of the official Kubernetes plugin, by which
 * the backend finds their workloads.
 */
const kubernetesComponent: EntityFilter = {
  $all: [
    { kind: 'component' },
    {
      $any: [
        {
          'metadata.annotations.backstage.io/kubernetes-id': { $exists: true },
        },
        {
          'metadata.annotations.backstage.io/kubernetes-label-selector': {
            $exists: true,
          },
        },
      ],
    },
  ],
};

export const kubeStatusApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: kubeStatusApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KubeStatusClient({ discoveryApi, fetchApi }),
    }),
});

/** The Workloads tab of a group or a system: all its components' workloads. */
export const teamWorkloadsContent = EntityContentBlueprint.make({
  name: 'team',
  params: {
    path: 'workloads',
    title: 'Workloads',
    // Beside the official Kubernetes tab, in the same group.
    group: 'deployment',
    filter: { kind: { $in: ['group', 'system'] } },
    loader: () =>
      import('./components/TeamWorkloadsContent').then(m => (
        <m.TeamWorkloadsContent />
      )),
  },
});

/** The Workloads tab of a component: each workload with its rollout history. */
export const componentWorkloadsContent = EntityContentBlueprint.make({
  name: 'component',
  params: {
    path: 'workloads',
    title: 'Workloads',
    // Beside the official Kubernetes tab, in the same group.
    group: 'deployment',
    filter: kubernetesComponent,
    loader: () =>
      import('./components/ComponentWorkloadsContent').then(m => (
        <m.ComponentWorkloadsContent />
      )),
  },
});

/** The status card on the overview of a component that runs on Kubernetes. */
export const kubeStatusCard = EntityCardBlueprint.make({
  params: {
    // Beside "About": a glance; the Workloads tab has the detail.
    type: 'info',
    filter: kubernetesComponent,
    loader: () =>
      import('./components/EntityKubeStatusCard').then(m => (
        <m.EntityKubeStatusCard />
      )),
  },
});

export const kubeStatusPlugin = createFrontendPlugin({
  pluginId: 'kube-status',
  title: 'Kubernetes status',
  icon: <RiShip2Line />,
  info: { packageJson: () => import('../package.json') },
  extensions: [
    kubeStatusApi,
    teamWorkloadsContent,
    componentWorkloadsContent,
    kubeStatusCard,
  ],
});
