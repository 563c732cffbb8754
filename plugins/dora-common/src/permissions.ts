import { createPermission } from '@backstage/plugin-permission-common';

/** Reading DORA metrics, series and the deployments behind them. */
export const doraMetricsReadPermission = createPermission({
  name: 'dora.metrics.read',
  attributes: { action: 'read' },
});

/**
 * Seeing which service names matched no catalog entity (operational
 * detail for portal admins; the count is part of every metrics read).
 */
export const doraUnattributedReadPermission = createPermission({
  name: 'dora.unattributed.read',
  attributes: { action: 'read' },
});

/** @public */
export const doraPermissions = [
  doraMetricsReadPermission,
  doraUnattributedReadPermission,
];
