import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading scorecards: a component's checks and level, and the roll-ups of
 * teams, systems and the organisation.
 */
export const scorecardsReadPermission = createPermission({
  name: 'scorecards.read',
  attributes: { action: 'read' },
});

/** @public */
export const scorecardsPermissions = [scorecardsReadPermission];
