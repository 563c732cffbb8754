import { ConfigReader } from '@backstage/config';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  doraEventsCreatePermission,
  doraMetricsReadPermission,
  doraUnattributedReadPermission,
} from '@paved/plugin-dora-common';
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import {
  taskCreatePermission,
  templateManagementPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { goldenPathUpgradePermission } from '@paved/plugin-scaffolder-backend-module-golden-path';
import {
  scorecardsCampaignCreatePermission,
  scorecardsExceptionDecidePermission,
  scorecardsExceptionRequestPermission,
} from '@paved/plugin-scorecards-common';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import type { Entity } from '@backstage/catalog-model';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  costImportPermission,
  costOrganisationReadPermission,
  costReadPermission,
} from '@paved/plugin-cost-common';
import { PavedPermissionPolicy } from './PavedPermissionPolicy';

// Conditions as the catalog's rules take them; params differ per rule.
type Condition = { rule: string; params?: any };

/** Applies a conditional decision to an entity with the catalog's own rules. */
function allows(
  criteria: PermissionCriteria<Condition>,
  entity: Entity,
): boolean {
  if ('anyOf' in criteria) return criteria.anyOf.some(c => allows(c, entity));
  if ('allOf' in criteria) return criteria.allOf.every(c => allows(c, entity));
  if ('not' in criteria) return !allows(criteria.not, entity);
  const rule = Object.values(permissionRules).find(
    r => r.name === criteria.rule,
  );
  if (!rule) throw new Error(`unknown rule ${criteria.rule}`);
  return rule.apply(entity, criteria.params);
}

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { owner },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});
const group = (name: string, namespace = 'default'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace },
  spec: { type: 'team', children: [] },
});

const config = new ConfigReader({
  paved: { permission: { admins: ['group:default/platform'] } },
});

function userWith(ownershipEntityRefs: string[], policyConfig = config) {
  const userEntityRef = ownershipEntityRefs[0];
  return {
    policy: PavedPermissionPolicy.create({
      config: policyConfig,
      userInfo: mockServices.userInfo({ userEntityRef, ownershipEntityRefs }),
    }),
    user: {
      credentials: mockCredentials.user(userEntityRef),
      info: { userEntityRef, ownershipEntityRefs },
    },
  };
}

const developer = () =>
  userWith(['user:default/amara.okafor', 'group:default/checkout']);
const admin = () =>
  userWith(['user:default/lena.fischer', 'group:default/platform']);

describe('PavedPermissionPolicy', () => {
  it('lets a signed-in developer read the catalog', async () => {
    const { policy, user } = developer();
    const decision = await policy.handle(
      { permission: catalogEntityReadPermission },
      user,
    );
    expect(decision.result).toBe(AuthorizeResult.ALLOW);
  });

  it('lets a developer unregister only entities their teams own', async () => {
    const { policy, user } = developer();
    const decision = await policy.handle(
      { permission: catalogEntityDeletePermission },
      user,
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/amara.okafor', 'group:default/checkout'],
        },
      },
    });
  });

  it('refuses to let a developer delete a whole catalog location', async () => {
    const { policy, user } = developer();
    const decision = await policy.handle(
      { permission: catalogLocationDeletePermission },
      user,
    );
    expect(decision.result).toBe(AuthorizeResult.DENY);
  });

  it('lets members of an admin group unregister anything', async () => {
    const { policy, user } = admin();
    for (const permission of [
      catalogEntityDeletePermission,
      catalogLocationDeletePermission,
    ]) {
      const decision = await policy.handle({ permission }, user);
      expect(decision.result).toBe(AuthorizeResult.ALLOW);
    }
  });

  it('shows unattributed DORA service names to admins only, metrics to everyone', async () => {
    const { policy: devPolicy, user: dev } = developer();
    const { policy: adminPolicy, user: adminUser } = admin();
    expect(
      (await devPolicy.handle({ permission: doraMetricsReadPermission }, dev))
        .result,
    ).toBe(AuthorizeResult.ALLOW);
    expect(
      (
        await devPolicy.handle(
          { permission: doraUnattributedReadPermission },
          dev,
        )
      ).result,
    ).toBe(AuthorizeResult.DENY);
    expect(
      (
        await adminPolicy.handle(
          { permission: doraUnattributedReadPermission },
          adminUser,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  it('denies requests that carry no signed-in user', async () => {
    const { policy } = developer();
    const decision = await policy.handle({
      permission: catalogEntityReadPermission,
    });
    expect(decision.result).toBe(AuthorizeResult.DENY);
  });

  it("shows an entity's cost to its owners and a team's cost to its members", async () => {
    const { policy, user } = developer();
    const decision = await policy.handle(
      { permission: costReadPermission },
      user,
    );
    expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
    const conditions = (decision as any).conditions;
    expect(
      allows(
        conditions,
        component('checkout-service', 'group:default/checkout'),
      ),
    ).toBe(true);
    expect(
      allows(
        conditions,
        component('payments-gateway', 'group:default/payments'),
      ),
    ).toBe(false);
    expect(allows(conditions, group('checkout'))).toBe(true);
    expect(allows(conditions, group('payments'))).toBe(false);
    // Same name, another namespace: another team.
    expect(allows(conditions, group('checkout', 'other-ns'))).toBe(false);

    const { policy: adminPolicy, user: adminUser } = admin();
    expect(
      (await adminPolicy.handle({ permission: costReadPermission }, adminUser))
        .result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  it('keeps organisation-wide cost and billing imports to admins', async () => {
    const { policy, user } = developer();
    const { policy: adminPolicy, user: adminUser } = admin();
    for (const permission of [
      costOrganisationReadPermission,
      costImportPermission,
    ]) {
      expect((await policy.handle({ permission }, user)).result).toBe(
        AuthorizeResult.DENY,
      );
      expect((await adminPolicy.handle({ permission }, adminUser)).result).toBe(
        AuthorizeResult.ALLOW,
      );
    }
  });

  it("shows every entity's cost to everyone when configured for a demo", async () => {
    const policy = PavedPermissionPolicy.create({
      config: new ConfigReader({
        paved: { permission: { costVisibility: 'everyone' } },
      }),
      userInfo: mockServices.userInfo({
        userEntityRef: 'user:default/amara.okafor',
        ownershipEntityRefs: ['group:default/checkout'],
      }),
    });
    const decision = await policy.handle(
      { permission: costReadPermission },
      {
        credentials: mockCredentials.user('user:default/amara.okafor'),
        info: {
          userEntityRef: 'user:default/amara.okafor',
          ownershipEntityRefs: ['group:default/checkout'],
        },
      },
    );
    expect(decision.result).toBe(AuthorizeResult.ALLOW);
    expect(() =>
      PavedPermissionPolicy.create({
        config: new ConfigReader({
          paved: { permission: { costVisibility: 'all' } },
        }),
        userInfo: mockServices.userInfo(),
      }),
    ).toThrow("costVisibility must be 'owners' or 'everyone'");
  });

  it('compares a team with its full ref, namespace included', async () => {
    const { policy, user } = userWith([
      'user:other-ns/kofi.mensah',
      'group:other-ns/checkout',
    ]);
    const decision = await policy.handle(
      { permission: costReadPermission },
      user,
    );
    const conditions = (decision as any).conditions;
    expect(allows(conditions, group('checkout', 'other-ns'))).toBe(true);
    expect(allows(conditions, group('checkout'))).toBe(false);
    expect(
      allows(
        conditions,
        component('checkout-service', 'group:default/checkout'),
      ),
    ).toBe(false);
  });

  it('lets only admins post DORA events', async () => {
    const { policy, user } = developer();
    expect(
      (await policy.handle({ permission: doraEventsCreatePermission }, user))
        .result,
    ).toBe(AuthorizeResult.DENY);
    const { policy: adminPolicy, user: adminUser } = admin();
    expect(
      (
        await adminPolicy.handle(
          { permission: doraEventsCreatePermission },
          adminUser,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  it('keeps the official Kubernetes proxy to admins', async () => {
    expect(kubernetesProxyPermission.name).toBe('kubernetes.proxy');
    const { policy, user } = developer();
    expect(
      (await policy.handle({ permission: kubernetesProxyPermission }, user))
        .result,
    ).toBe(AuthorizeResult.DENY);
    const { policy: adminPolicy, user: adminUser } = admin();
    expect(
      (
        await adminPolicy.handle(
          { permission: kubernetesProxyPermission },
          adminUser,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  it('lets developers run templates and admins manage them (editor, actions reference)', async () => {
    const { policy, user } = developer();
    const decide = async (
      p: typeof policy,
      u: typeof user,
      permission: typeof templateManagementPermission,
    ) => (await p.handle({ permission }, u)).result;
    expect(await decide(policy, user, taskCreatePermission)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide(policy, user, templateManagementPermission)).toBe(
      AuthorizeResult.DENY,
    );
    const { policy: adminPolicy, user: adminUser } = admin();
    expect(
      await decide(adminPolicy, adminUser, templateManagementPermission),
    ).toBe(AuthorizeResult.ALLOW);
  });

  it("lets a developer upgrade only their own team's components to a new template version", async () => {
    const { policy, user } = developer();
    const decision = await policy.handle(
      { permission: goldenPathUpgradePermission },
      user,
    );
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
    });
    const conditions = (decision as any).conditions;
    expect(
      allows(
        conditions,
        component('checkout-service', 'group:default/checkout'),
      ),
    ).toBe(true);
    expect(
      allows(
        conditions,
        component('payments-gateway', 'group:default/payments'),
      ),
    ).toBe(false);
    expect(
      allows(
        conditions,
        component('checkout-service', 'group:other-ns/checkout'),
      ),
    ).toBe(false);

    const { policy: adminPolicy, user: adminUser } = admin();
    expect(
      (
        await adminPolicy.handle(
          { permission: goldenPathUpgradePermission },
          adminUser,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  it("lets a developer request scorecard exceptions for their own team's components; only admins decide", async () => {
    const { policy, user } = developer();
    const request = await policy.handle(
      { permission: scorecardsExceptionRequestPermission },
      user,
    );
    expect(request.result).toBe(AuthorizeResult.CONDITIONAL);
    const conditions = (request as any).conditions;
    expect(
      allows(
        conditions,
        component('checkout-service', 'group:default/checkout'),
      ),
    ).toBe(true);
    expect(
      allows(
        conditions,
        component('payments-gateway', 'group:default/payments'),
      ),
    ).toBe(false);
    for (const permission of [
      scorecardsExceptionDecidePermission,
      scorecardsCampaignCreatePermission,
    ]) {
      expect((await policy.handle({ permission }, user)).result).toBe(
        AuthorizeResult.DENY,
      );
    }

    const { policy: adminPolicy, user: adminUser } = admin();
    expect(
      (
        await adminPolicy.handle(
          { permission: scorecardsExceptionDecidePermission },
          adminUser,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  describe('admins', () => {
    const create = (permission: object, extra: object = {}, nodeEnv = 'test') =>
      PavedPermissionPolicy.create({
        config: new ConfigReader({ ...extra, paved: { permission } }),
        userInfo: mockServices.userInfo(),
        nodeEnv,
      });

    it('reads admins from a list or from one string of refs, as an environment variable gives them', async () => {
      const fromString = new ConfigReader({
        paved: {
          permission: {
            admins:
              'group:default/portal-admins, group:ops/sre  user:default/lena.fischer',
          },
        },
      });
      for (const ref of [
        'group:default/portal-admins',
        'group:ops/sre',
        'user:default/lena.fischer',
      ]) {
        const { policy, user } = userWith(
          ['user:default/someone', ref],
          fromString,
        );
        expect(
          (await policy.handle({ permission: costImportPermission }, user))
            .result,
        ).toBe(AuthorizeResult.ALLOW);
      }
      const { policy, user } = userWith(
        ['user:default/someone', 'group:default/sre'],
        fromString,
      );
      expect(
        (await policy.handle({ permission: costImportPermission }, user))
          .result,
      ).toBe(AuthorizeResult.DENY);
    });

    it('refuses admins that are not full entity refs', () => {
      expect(() => create({ admins: ['platform'] })).toThrow(
        "paved.permission.admins: 'platform' is not a full entity ref",
      );
      expect(() => create({ admins: 'group:platform' })).toThrow(
        "'group:platform' is not a full entity ref",
      );
    });

    it('refuses to start in production without admins', () => {
      const production = { auth: { environment: 'production' } };
      expect(() => create({}, production)).toThrow(
        'Paved will not start in production without portal admins',
      );
      expect(() => create({ admins: ' , ' }, production)).toThrow(
        'without portal admins',
      );
      expect(() => create({}, {}, 'production')).toThrow(
        'without portal admins',
      );
      // Outside production no admins is allowed (nobody is admin).
      expect(() => create({})).not.toThrow();
    });

    it("refuses to start in production with the local demo's admin group", () => {
      expect(() =>
        create(
          { admins: ['group:default/portal-admins', 'group:default/platform'] },
          { auth: { environment: 'production' } },
        ),
      ).toThrow(
        "Paved will not start in production with group:default/platform as an admin: it is the local demo's admin group",
      );
      expect(() =>
        create({ admins: 'group:default/Platform' }, {}, 'production'),
      ).toThrow('group:default/platform');
      expect(() =>
        create(
          { admins: 'group:default/portal-admins' },
          { auth: { environment: 'production' } },
          'production',
        ),
      ).not.toThrow();
    });
  });
});
