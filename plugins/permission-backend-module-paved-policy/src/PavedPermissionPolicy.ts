import type { Config } from '@backstage/config';
import type { UserInfoService } from '@backstage/backend-plugin-api';
import {
  catalogEntityDeletePermission,
  catalogLocationDeletePermission,
  catalogIngestionManagePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { unprocessedEntitiesDeletePermission } from '@backstage/plugin-catalog-unprocessed-entities-common';
import {
  AuthorizeResult,
  isPermission,
  type PermissionCondition,
  type PermissionCriteria,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import { doraUnattributedReadPermission } from '@paved/plugin-dora-common';
import {
  costImportPermission,
  costOrganisationReadPermission,
  costReadPermission,
} from '@paved/plugin-cost-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';

/** Permissions only a portal admin holds, whatever they own. */
const adminOnlyPermissions = [
  catalogLocationDeletePermission,
  catalogIngestionManagePermission,
  unprocessedEntitiesDeletePermission,
  doraUnattributedReadPermission,
  costOrganisationReadPermission,
  costImportPermission,
];

/**
 * Paved's permission policy.
 *
 * - Signed-in users read the catalog, docs and search, register entities
 *   and run templates.
 * - Unregistering an entity is allowed to its owners (the user or any of
 *   their groups) and to admins; deleting a whole location only to admins.
 * - An entity's cost is visible to its owners and admins; a team's cost to
 *   its members. Organisation-wide cost and billing imports are admin-only.
 * - Requests without a signed-in user are denied. (Calls between plugins and
 *   from external-access tokens are service principals, which the permission
 *   framework decides on without consulting this policy.)
 */
export class PavedPermissionPolicy implements PermissionPolicy {
  readonly #admins: Set<string>;
  readonly #userInfo: UserInfoService;
  readonly #costVisibleToEveryone: boolean;

  static create(options: { config: Config; userInfo: UserInfoService }) {
    const admins =
      options.config.getOptionalStringArray('paved.permission.admins') ?? [];
    const costVisibility =
      options.config.getOptionalString('paved.permission.costVisibility') ??
      'owners';
    if (costVisibility !== 'owners' && costVisibility !== 'everyone') {
      throw new Error(
        `paved.permission.costVisibility must be 'owners' or 'everyone', not '${costVisibility}'`,
      );
    }
    return new PavedPermissionPolicy(
      admins,
      options.userInfo,
      costVisibility === 'everyone',
    );
  }

  private constructor(
    admins: string[],
    userInfo: UserInfoService,
    costVisibleToEveryone: boolean,
  ) {
    this.#admins = new Set(admins.map(ref => ref.toLocaleLowerCase('en-US')));
    this.#userInfo = userInfo;
    this.#costVisibleToEveryone = costVisibleToEveryone;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const { userEntityRef, ownershipEntityRefs } =
      await this.#userInfo.getUserInfo(user.credentials);

    const isAdmin = [userEntityRef, ...ownershipEntityRefs].some(ref =>
      this.#admins.has(ref.toLocaleLowerCase('en-US')),
    );
    if (isAdmin) {
      return { result: AuthorizeResult.ALLOW };
    }

    if (isPermission(request.permission, catalogEntityDeletePermission)) {
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
      );
    }
    if (
      isPermission(request.permission, costReadPermission) &&
      !this.#costVisibleToEveryone
    ) {
      // A team's own Group entity: its members see the team's cost.
      const ownTeams: PermissionCriteria<
        PermissionCondition<'catalog-entity'>
      >[] = ownershipEntityRefs
        .filter(ref => ref.startsWith('group:'))
        .map(ref => ({
          allOf: [
            catalogConditions.isEntityKind({ kinds: ['group'] }),
            catalogConditions.hasMetadata({
              key: 'name',
              value: ref.slice(ref.lastIndexOf('/') + 1),
            }),
          ],
        }));
      return createCatalogConditionalDecision(request.permission, {
        anyOf: [
          catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
          ...ownTeams,
        ],
      });
    }
    if (adminOnlyPermissions.some(p => isPermission(request.permission, p))) {
      return { result: AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
