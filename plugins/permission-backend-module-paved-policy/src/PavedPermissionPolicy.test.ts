import { ConfigReader } from '@backstage/config';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  doraMetricsReadPermission,
  doraUnattributedReadPermission,
} from '@paved/plugin-dora-common';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import type { Entity } from '@backstage/catalog-model';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  costImportPermission,
  costOrganisationReadPermission,
  costReadPermission,
} from '@paved/plugin-cost-common';
import { PavedPermissionPolicy } from './PavedPermissionPolicy';

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
const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

const config = new ConfigReader({
  paved: { permission: { admins: ['group:default/platform'] } },
});

function userWith(ownershipEntityRefs: string[]) {
  const userEntityRef = ownershipEntityRefs[0];
  return {
    policy: PavedPermissionPolicy.create({
      config,
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
});
