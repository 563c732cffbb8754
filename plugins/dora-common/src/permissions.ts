import { createPermission } from '@backstage/plugin-permission-common';

/** Reading DORA metrics, series and the deployments behind them. */
export const doraMetricsReadPermission = createPermission({
  name: 'dora.metrics.read',
  attributes: { action: 'read' },
});

/** @public */
export const doraPermissions = [doraMetricsReadPermission];
