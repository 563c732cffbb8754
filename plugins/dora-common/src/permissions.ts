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

/**
 * Posting deployments, changes and incidents to `POST /api/dora/events`.
 * Every delivery number is computed from these facts, so writing them is
 * not part of being signed in: a policy (or a service token's
 * `accessRestrictions`) must grant it.
 */
export const doraEventsCreatePermission = createPermission({
  name: 'dora.events.create',
  attributes: { action: 'create' },
});

/** @public */
export const doraPermissions = [
  doraMetricsReadPermission,
  doraUnattributedReadPermission,
  doraEventsCreatePermission,
];
