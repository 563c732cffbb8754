import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading scorecards: a component's checks and level, the roll-ups of
 * teams, systems and the organisation, and the exceptions granted.
 */
export const scorecardsReadPermission = createPermission({
  name: 'scorecards.read',
  attributes: { action: 'read' },
});

/**
 * Requesting an exception to one check for a component: a resource
 * permission on the component's catalog entity, so a policy can allow it
 * to the component's owners only (`isEntityOwner`).
 */
export const scorecardsExceptionRequestPermission = createPermission({
  name: 'scorecards.exception.request',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Approving or rejecting a requested exception: the platform's admins. */
export const scorecardsExceptionDecidePermission = createPermission({
  name: 'scorecards.exception.decide',
  attributes: { action: 'update' },
});

/** Starting a campaign (checks asked of components by a deadline): admins. */
export const scorecardsCampaignCreatePermission = createPermission({
  name: 'scorecards.campaign.create',
  attributes: { action: 'create' },
});

/**
 * Recording the pages a signed-in user opened, for the portal-use counts
 * of the adoption page (who opened them is never shown).
 */
export const scorecardsUsageRecordPermission = createPermission({
  name: 'scorecards.usage.record',
  attributes: { action: 'create' },
});

/** @public */
export const scorecardsPermissions = [
  scorecardsReadPermission,
  scorecardsExceptionRequestPermission,
  scorecardsExceptionDecidePermission,
  scorecardsCampaignCreatePermission,
  scorecardsUsageRecordPermission,
];
