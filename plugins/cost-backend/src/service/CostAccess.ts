import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  costOrganisationReadPermission,
  costReadPermission,
} from '@paved/plugin-cost-common';

/**
 * The one place cost reads are authorised, for the router and the MCP
 * actions alike: `cost.read` on the entity (a resource permission, so a
 * policy can answer with catalog conditions such as "owned by the caller's
 * group"), or `cost.organisation.read` for the organisation scope.
 */
export async function authorizeCostRead(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  entityRef: string | undefined,
): Promise<void> {
  const [decision] = entityRef
    ? await permissions.authorize(
        [{ permission: costReadPermission, resourceRef: entityRef }],
        { credentials },
      )
    : await permissions.authorize(
        [{ permission: costOrganisationReadPermission }],
        { credentials },
      );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      entityRef
        ? `You may not read the cost of ${entityRef}`
        : 'You may not read organisation-wide cost',
    );
  }
}

/**
 * Which of several entities the caller may read the cost of (`cost.read`
 * on each), in one question to the permission framework.
 */
export async function mayReadCosts(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  entityRefs: string[],
): Promise<boolean[]> {
  if (entityRefs.length === 0) return [];
  const decisions = await permissions.authorize(
    entityRefs.map(resourceRef => ({
      permission: costReadPermission,
      resourceRef,
    })),
    { credentials },
  );
  return decisions.map(d => d.result === AuthorizeResult.ALLOW);
}
