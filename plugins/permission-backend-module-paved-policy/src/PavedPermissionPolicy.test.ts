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
import { PavedPermissionPolicy } from './PavedPermissionPolicy';

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
});
