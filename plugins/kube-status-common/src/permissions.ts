import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading the live Kubernetes state of an entity or a team's entities
 * (workloads, failing pods, rollout history, golden-path checks).
 */
export const kubeStatusReadPermission = createPermission({
  name: 'kube-status.read',
  attributes: { action: 'read' },
});

/** @public */
export const kubeStatusPermissions = [kubeStatusReadPermission];
