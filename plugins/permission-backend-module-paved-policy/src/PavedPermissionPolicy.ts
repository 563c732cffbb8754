import type { Config } from '@backstage/config';
import type { UserInfoService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
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
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import { templateManagementPermission } from '@backstage/plugin-scaffolder-common/alpha';
import {
  AuthorizeResult,
  isPermission,
  type PermissionCondition,
  type PermissionCriteria,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  doraEventsCreatePermission,
  doraUnattributedReadPermission,
} from '@paved/plugin-dora-common';
import {
  costImportPermission,
  costOrganisationReadPermission,
  costReadPermission,
} from '@paved/plugin-cost-common';
import { goldenPathUpgradePermission } from '@paved/plugin-scaffolder-backend-module-golden-path';
import {
  scorecardsCampaignCreatePermission,
  scorecardsExceptionDecidePermission,
  scorecardsExceptionRequestPermission,
} from '@paved/plugin-scorecards-common';
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
  // Delivery facts feed every team's numbers; users write them only as
  // admins (CI writes with a service token, see the README).
  doraEventsCreatePermission,
  costOrganisationReadPermission,
  costImportPermission,
  // The official Kubernetes proxy forwards any request to a cluster with
  // the portal's own cluster credentials.
  kubernetesProxyPermission,
  // The template editor, actions reference and templating extensions:
  // for those who maintain the golden paths.
  templateManagementPermission,
  // Granting a service time off a standard, and asking every team for
  // something by a date, are the platform team's calls.
  scorecardsExceptionDecidePermission,
  scorecardsCampaignCreatePermission,
];

/** The admin group of the local demo organisation; never a production admin. */
export const DEMO_ADMIN_GROUP = 'group:default/platform';

/**
 * Reads `paved.permission.admins`: a list of entity refs, or one string of
 * refs separated by commas or white space (as an environment variable
 * gives them). Every ref must be complete: `kind:namespace/name`.
 */
function readAdmins(config: Config): string[] {
  const key = 'paved.permission.admins';
  if (!config.has(key)) return [];
  const values = Array.isArray(config.get(key))
    ? config.getStringArray(key)
    : [config.getString(key)];
  return values
    .flatMap(value => value.split(/[\s,]+/))
    .filter(Boolean)
    .map(ref => {
      if (!/^[^:/]+:[^:/]+\/[^:/]+$/.test(ref)) {
        throw new Error(
          `${key}: '${ref}' is not a full entity ref; write kind:namespace/name, e.g. group:default/portal-admins`,
        );
      }
      return stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase('en-US');
    });
}

/**
 * Paved's permission policy.
 *
 * - Signed-in users read the catalog, docs and search, register entities
 *   and run templates.
 * - Unregistering an entity is allowed to its owners (the user or any of
 *   their groups) and to admins; deleting a whole location only to admins.
 * - Upgrading a component to its template's current version, and
 *   requesting an exception to a scorecard check for it: its owners and
 *   admins. Deciding on exceptions: admins only.
 * - An entity's cost is visible to its owners and admins; a team's cost to
 *   its members (the Group entity with exactly that ref, namespace
 *   included). Organisation-wide cost and billing imports are admin-only.
 * - Posting DORA events, listing unattributed DORA services, the official
 *   Kubernetes proxy and template management (the template editor, the
 *   actions reference) are admin-only.
 * - Requests without a signed-in user are denied. (Calls between plugins and
 *   from external-access tokens are service principals, which the permission
 *   framework decides on from the token's `accessRestrictions` without
 *   consulting this policy.)
 *
 * Admins are the users and groups listed in `paved.permission.admins`. In
 * production (`auth.environment: production` or `NODE_ENV=production`) the
 * policy refuses to start without admins, or with the local demo's
 * `group:default/platform`.
 */
export class PavedPermissionPolicy implements PermissionPolicy {
  readonly #admins: Set<string>;
  readonly #userInfo: UserInfoService;
  readonly #costVisibleToEveryone: boolean;

  static create(options: {
    config: Config;
    userInfo: UserInfoService;
    /** Defaults to `process.env.NODE_ENV`. */
    nodeEnv?: string;
  }) {
    const { config } = options;
    const admins = readAdmins(config);
    const nodeEnv = options.nodeEnv ?? process.env.NODE_ENV;
    const production =
      config.getOptionalString('auth.environment') === 'production' ||
      nodeEnv === 'production';
    if (production && admins.length === 0) {
      throw new Error(
        'Paved will not start in production without portal admins: set paved.permission.admins ' +
          '(PAVED_ADMIN_GROUPS in app-config.production.yaml) to the entity refs of the admin groups, e.g. group:default/portal-admins',
      );
    }
    if (production && admins.includes(DEMO_ADMIN_GROUP)) {
      throw new Error(
        `Paved will not start in production with ${DEMO_ADMIN_GROUP} as an admin: it is the local demo's admin group. ` +
          'Set paved.permission.admins (PAVED_ADMIN_GROUPS) to your organisation’s admin groups',
      );
    }
    const costVisibility =
      config.getOptionalString('paved.permission.costVisibility') ?? 'owners';
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
    this.#admins = new Set(admins);
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
      isPermission(request.permission, goldenPathUpgradePermission) ||
      isPermission(request.permission, scorecardsExceptionRequestPermission)
    ) {
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
      );
    }
    if (
      isPermission(request.permission, costReadPermission) &&
      !this.#costVisibleToEveryone
    ) {
      // A team's own Group entity: its members see the team's cost. The
      // whole ref counts, so group:other/checkout is not group:default/checkout.
      const ownTeams: PermissionCriteria<
        PermissionCondition<'catalog-entity'>
      >[] = ownershipEntityRefs
        .filter(ref => ref.startsWith('group:'))
        .map(ref => {
          const { namespace, name } = parseEntityRef(ref);
          return {
            allOf: [
              catalogConditions.isEntityKind({ kinds: ['group'] }),
              catalogConditions.hasMetadata({
                key: 'namespace',
                value: namespace,
              }),
              catalogConditions.hasMetadata({ key: 'name', value: name }),
            ],
          };
        });
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
