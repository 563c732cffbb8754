import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogScopeResolver } from './CatalogScopeResolver';

const entity = (
  kind: string,
  name: string,
  spec: Entity['spec'] = {},
  metadata: Partial<Entity['metadata']> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', ...metadata },
  spec,
});

// payments sits below engineering; checkout and orders-db are part of the
// shop system; the catalog has not processed relations here, so spec.owner,
// spec.parent and spec.system are what links them.
const entities: Entity[] = [
  entity('Group', 'engineering', { type: 'department', children: [] }),
  entity('Group', 'payments', { type: 'team', parent: 'engineering' }),
  entity('Group', 'marketing', { type: 'team' }),
  entity('System', 'shop', { owner: 'payments' }),
  entity(
    'Component',
    'checkout',
    { owner: 'payments', system: 'shop' },
    {
      title: 'Checkout',
      annotations: { 'backstage.io/kubernetes-id': 'checkout' },
    },
  ),
  entity('Component', 'ledger', { owner: 'payments' }),
  entity('Resource', 'orders-db', { owner: 'payments', system: 'shop' }),
  entity('Component', 'campaigns', { owner: 'marketing' }),
  entity('User', 'alice', {}),
];

const alice = mockCredentials.user('user:default/alice');
const refs = (scope: { members: Array<{ entityRef: string }> }) =>
  scope.members.map(m => m.entityRef);

/** A catalog that hides `ledger` from alice, as a permission policy would. */
function catalogAsSeenByAlice(): CatalogService {
  const inner = catalogServiceMock({ entities });
  const visible = (credentials: BackstageCredentials, e: Entity) =>
    !(
      (credentials.principal as { userEntityRef?: string }).userEntityRef ===
        'user:default/alice' &&
      stringifyEntityRef(e) === 'component:default/ledger'
    );
  const catalog: Pick<CatalogService, 'getEntityByRef' | 'queryEntities'> = {
    async getEntityByRef(ref, options) {
      const found = await inner.getEntityByRef(ref, options);
      return found && visible(options.credentials, found) ? found : undefined;
    },
    async queryEntities(request, options) {
      const page = await inner.queryEntities(request, options);
      return {
        ...page,
        items: page.items.filter(e => visible(options.credentials, e)),
      };
    },
  };
  // The resolver uses only the methods above.
  return catalog as CatalogService;
}

describe('CatalogScopeResolver', () => {
  const catalog = catalogServiceMock({ entities });
  const credentials = mockCredentials.user();

  it('makes an entity of a member kind a scope of itself', async () => {
    const resolver = CatalogScopeResolver.create({ catalog });
    const scope = await resolver.resolve('component:default/checkout', {
      credentials,
    });
    expect(scope).toMatchObject({
      kind: 'entity',
      entityRef: 'component:default/checkout',
      entity: { metadata: { name: 'checkout' } },
      members: [{ entityRef: 'component:default/checkout', title: 'Checkout' }],
    });
  });

  it('gives a group what it and the groups below it own, sorted, with the asked fields', async () => {
    const resolver = CatalogScopeResolver.create({
      catalog,
      memberFields: ['metadata.annotations'],
    });
    const scope = await resolver.resolve('group:default/engineering', {
      credentials,
    });
    expect(scope.kind).toBe('group');
    expect(refs(scope)).toEqual([
      'component:default/checkout',
      'component:default/ledger',
    ]);
    expect(scope.members[0].entity.metadata.annotations).toEqual({
      'backstage.io/kubernetes-id': 'checkout',
    });
  });

  it('gives a system its parts, of every member kind', async () => {
    const resolver = CatalogScopeResolver.create({
      catalog,
      memberKinds: ['component', 'resource'],
    });
    const scope = await resolver.resolve('system:default/shop', {
      credentials,
    });
    expect(scope.kind).toBe('system');
    expect(refs(scope)).toEqual([
      'component:default/checkout',
      'resource:default/orders-db',
    ]);
    const resource = await resolver.resolve('resource:default/orders-db', {
      credentials,
    });
    expect(resource.kind).toBe('entity');
  });

  it('gives the organisation every member, sorted', async () => {
    const resolver = CatalogScopeResolver.create({ catalog });
    expect(refs(await resolver.organisation({ credentials }))).toEqual([
      'component:default/campaigns',
      'component:default/checkout',
      'component:default/ledger',
    ]);
  });

  it("reads with the caller's credentials, so the catalog's read rules apply", async () => {
    const resolver = CatalogScopeResolver.create({
      catalog: catalogAsSeenByAlice(),
    });
    await expect(
      resolver.resolve('component:default/ledger', { credentials: alice }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'No entity component:default/ledger in the catalog',
    });
    expect(
      refs(
        await resolver.resolve('group:default/payments', {
          credentials: alice,
        }),
      ),
    ).toEqual(['component:default/checkout']);
    expect(
      refs(await resolver.organisation({ credentials: alice })),
    ).not.toContain('component:default/ledger');
    // Anyone else sees the ledger.
    expect(
      refs(await resolver.resolve('group:default/payments', { credentials })),
    ).toContain('component:default/ledger');
  });

  it('refuses a kind the caller does not accept before asking the catalog', async () => {
    const getEntityByRef = jest.fn();
    const resolver = CatalogScopeResolver.create({
      catalog: catalogServiceMock.mock({ getEntityByRef }),
    });
    await expect(
      resolver.resolve('component:default/checkout', {
        credentials,
        kinds: ['group', 'system'],
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: 'entityRef must name a group or a system, not a component',
    });
    await expect(
      resolver.resolve('user:default/alice', { credentials }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        'entityRef must name a component, a system or a group, not a user',
    });
    expect(getEntityByRef).not.toHaveBeenCalled();
  });

  it('takes a bare name only where the caller gives a default kind', async () => {
    const resolver = CatalogScopeResolver.create({ catalog });
    const scope = await resolver.resolve('checkout', {
      credentials,
      defaultKind: 'component',
    });
    expect(scope.entityRef).toBe('component:default/checkout');
    await expect(
      resolver.resolve('checkout', { credentials }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        "entityRef 'checkout' is not an entity ref",
      ),
    });
  });

  it('gives every group of a type the members resolve gives it, from two catalog reads', async () => {
    const queries: unknown[] = [];
    const counting = {
      getEntityByRef: catalog.getEntityByRef.bind(catalog),
      queryEntities: async (
        request: Parameters<CatalogService['queryEntities']>[0],
        options: Parameters<CatalogService['queryEntities']>[1],
      ) => {
        queries.push(request);
        return catalog.queryEntities(request, options);
      },
    } as CatalogService;
    const resolver = CatalogScopeResolver.create({
      catalog: counting,
      memberKinds: ['component', 'resource'],
      cacheTtlMs: 0,
    });
    const teams = await resolver.groupsOfType('team', { credentials });
    expect(queries).toHaveLength(2);
    expect(teams.map(t => t.entityRef)).toEqual([
      'group:default/marketing',
      'group:default/payments',
    ]);
    for (const team of teams) {
      const one = await resolver.resolve(team.entityRef, { credentials });
      expect(refs(team)).toEqual(refs(one));
    }
    expect(refs(teams[1])).toEqual([
      'component:default/checkout',
      'component:default/ledger',
      'resource:default/orders-db',
    ]);
    // A department covers what its teams own, as resolve has it.
    const [engineering] = await resolver.groupsOfType('DEPARTMENT', {
      credentials,
    });
    expect(refs(engineering)).toEqual(refs(teams[1]));
  });

  it("lists only the groups and members the caller's read rules let it see", async () => {
    const resolver = CatalogScopeResolver.create({
      catalog: catalogAsSeenByAlice(),
      cacheTtlMs: 0,
    });
    const teams = await resolver.groupsOfType('team', { credentials: alice });
    expect(teams.find(t => t.entityRef === 'group:default/payments')).toEqual(
      expect.objectContaining({
        kind: 'group',
        members: [expect.objectContaining({ title: 'Checkout' })],
      }),
    );
  });

  it('is a retryable 503 when the catalog cannot be read', async () => {
    const resolver = CatalogScopeResolver.create({
      catalog: catalogServiceMock.mock({
        getEntityByRef: async () => {
          throw new Error('connect ECONNREFUSED');
        },
      }),
    });
    await expect(
      resolver.resolve('group:default/payments', { credentials }),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('could not be read; try again'),
    });
  });
});

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('CatalogScopeResolver keeping resolved scopes for a moment', () => {
  /** alice's view of the catalog, counting the requests it answers. */
  function countingCatalog() {
    const inner = catalogAsSeenByAlice();
    const calls = { count: 0, failNext: false };
    const catalog = {
      async getEntityByRef(
        ...args: Parameters<CatalogService['getEntityByRef']>
      ) {
        calls.count += 1;
        if (calls.failNext) {
          calls.failNext = false;
          throw new Error('connect ECONNREFUSED');
        }
        return inner.getEntityByRef(...args);
      },
      async queryEntities(
        ...args: Parameters<CatalogService['queryEntities']>
      ) {
        calls.count += 1;
        return inner.queryEntities(...args);
      },
    } as CatalogService;
    return { catalog, calls };
  }

  it('answers the same caller from one resolution, also when it asks several times at once', async () => {
    const { catalog, calls } = countingCatalog();
    const resolver = CatalogScopeResolver.create({ catalog });
    const scopes = await Promise.all(
      [1, 2, 3].map(() =>
        resolver.resolve('group:default/engineering', { credentials: alice }),
      ),
    );
    const once = calls.count;
    expect(scopes.map(refs)).toEqual([
      ['component:default/checkout'],
      ['component:default/checkout'],
      ['component:default/checkout'],
    ]);
    await resolver.resolve('group:default/engineering', { credentials: alice });
    await resolver.organisation({ credentials: alice });
    await resolver.organisation({ credentials: alice });
    expect(calls.count).toBe(once + 1);
  });

  it('answers with a recent scope while resolving it again in the background, and resolves an old one first', async () => {
    const { catalog, calls } = countingCatalog();
    const resolver = CatalogScopeResolver.create({ catalog, cacheTtlMs: 300 });
    const ask = () =>
      resolver.resolve('group:default/engineering', { credentials: alice });
    await ask();
    const perResolution = calls.count;
    await sleep(400);
    // Past the TTL: answered at once, one resolution starts behind it.
    await ask();
    await ask();
    for (let i = 0; i < 50 && calls.count < 2 * perResolution; i++) {
      await sleep(10);
    }
    expect(calls.count).toBe(2 * perResolution);
    // Fresh again after the background resolution.
    await ask();
    expect(calls.count).toBe(2 * perResolution);
    // Past four TTLs: resolved before answering.
    await sleep(1900);
    await ask();
    expect(calls.count).toBe(3 * perResolution);
  });

  it('never answers one caller with a scope resolved for another', async () => {
    const { catalog } = countingCatalog();
    const resolver = CatalogScopeResolver.create({ catalog });
    const forAlice = await resolver.resolve('group:default/engineering', {
      credentials: alice,
    });
    const forBob = await resolver.resolve('group:default/engineering', {
      credentials: mockCredentials.user('user:default/bob'),
    });
    expect(refs(forAlice)).toEqual(['component:default/checkout']);
    expect(refs(forBob)).toEqual([
      'component:default/checkout',
      'component:default/ledger',
    ]);
  });

  it("keeps the caller's view of an entity, but not that it was missing", async () => {
    const { catalog, calls } = countingCatalog();
    const resolver = CatalogScopeResolver.create({ catalog });
    const payments = await Promise.all(
      [1, 2].map(() =>
        resolver.entity('group:default/payments', { credentials: alice }),
      ),
    );
    expect(payments.map(e => e?.spec?.type)).toEqual(['team', 'team']);
    await resolver.entity('group:default/payments', { credentials: alice });
    expect(calls.count).toBe(1);

    // Hidden from alice, visible to bob: each sees what the catalog shows them.
    await expect(
      resolver.entity('component:default/ledger', { credentials: alice }),
    ).resolves.toBeUndefined();
    await expect(
      resolver.entity('component:default/ledger', {
        credentials: mockCredentials.user('user:default/bob'),
      }),
    ).resolves.toMatchObject({ metadata: { name: 'ledger' } });
    // Missing is asked again: the catalog may have added it since.
    await resolver.entity('component:default/ledger', { credentials: alice });
    expect(calls.count).toBe(4);

    calls.failNext = true;
    await expect(
      resolver.entity('group:default/marketing', { credentials: alice }),
    ).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
  });

  it('does not keep a failure: the next request asks the catalog again', async () => {
    const { catalog, calls } = countingCatalog();
    const resolver = CatalogScopeResolver.create({ catalog });
    calls.failNext = true;
    await expect(
      resolver.resolve('component:default/checkout', { credentials: alice }),
    ).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
    const scope = await resolver.resolve('component:default/checkout', {
      credentials: alice,
    });
    expect(refs(scope)).toEqual(['component:default/checkout']);
  });
});
