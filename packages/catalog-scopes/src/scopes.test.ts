import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  entitiesInScope,
  groupAndDescendants,
  queryAllEntities,
} from './scopes';

const group = (
  name: string,
  spec: { children?: string[]; parent?: string } = {},
  relations: Array<{ type: string; targetRef: string }> = [],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], ...spec },
  relations,
});

const owned = (
  kind: string,
  name: string,
  owner: string,
  options: { system?: string; processed?: boolean } = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default' },
  spec: { owner, ...(options.system ? { system: options.system } : {}) },
  // processed: false — the catalog has not added relations yet.
  relations:
    options.processed === false
      ? []
      : [
          { type: 'ownedBy', targetRef: `group:default/${owner}` },
          ...(options.system
            ? [
                {
                  type: 'partOf',
                  targetRef: `system:default/${options.system}`,
                },
              ]
            : []),
        ],
});

// engineering has two teams: payments through a parentOf relation,
// platform only through spec.children; sre says spec.parent: platform.
const entities: Entity[] = [
  group('engineering', { children: ['platform'] }, [
    { type: 'parentOf', targetRef: 'group:default/payments' },
  ]),
  group('payments'),
  group('platform'),
  group('sre', { parent: 'platform' }),
  group('marketing'),
  owned('Component', 'checkout', 'payments', { system: 'shop' }),
  owned('Resource', 'orders-db', 'payments', { system: 'shop' }),
  owned('Component', 'portal', 'platform'),
  owned('Component', 'pager', 'sre', { processed: false }),
  owned('Component', 'campaigns', 'marketing', {
    system: 'shop',
    processed: false,
  }),
  owned('API', 'checkout-api', 'payments', { system: 'shop' }),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'shop', namespace: 'default' },
    spec: { owner: 'payments' },
  },
];

const catalog = catalogServiceMock({ entities });
const credentials = mockCredentials.service();
const byName = (name: string) => entities.find(e => e.metadata.name === name)!;
const refs = (list: Entity[] | undefined) =>
  list?.map(e => `${e.kind}:${e.metadata.name}`);

describe('groupAndDescendants', () => {
  it('follows relations, spec.children and spec.parent all the way down', async () => {
    expect(
      (
        await groupAndDescendants(
          catalog,
          'group:default/engineering',
          credentials,
        )
      ).sort(),
    ).toEqual([
      'group:default/engineering',
      'group:default/payments',
      'group:default/platform',
      'group:default/sre',
    ]);
  });

  it('is the group alone when nothing is below it', async () => {
    expect(
      await groupAndDescendants(catalog, 'group:marketing', credentials),
    ).toEqual(['group:default/marketing']);
  });
});

describe('entitiesInScope', () => {
  it("gives a team's entities of the asked kinds, through sub-groups, sorted", async () => {
    const scope = await entitiesInScope(catalog, byName('engineering'), {
      kinds: ['component', 'resource'],
      credentials,
    });
    expect(refs(scope)).toEqual([
      'Component:checkout',
      'Component:pager',
      'Component:portal',
      'Resource:orders-db',
    ]);
  });

  it("gives a system's parts, related or only named in spec.system", async () => {
    const scope = await entitiesInScope(catalog, byName('shop'), {
      kinds: ['component'],
      credentials,
    });
    expect(refs(scope)).toEqual(['Component:campaigns', 'Component:checkout']);
  });

  it('has no answer for other kinds of scope', async () => {
    expect(
      await entitiesInScope(catalog, byName('checkout'), {
        kinds: ['component'],
        credentials,
      }),
    ).toBeUndefined();
  });
});

describe('when the catalog fails', () => {
  it('is a retryable 503 for the caller, not the catalog status passed through', async () => {
    const failing = catalogServiceMock.mock({
      queryEntities: async () => {
        throw Object.assign(new Error('Request failed with 431'), {
          name: 'ResponseError',
          statusCode: 431,
        });
      },
    });
    await expect(
      entitiesInScope(failing, byName('engineering'), {
        kinds: ['component'],
        credentials,
      }),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('could not be read; try again'),
    });
  });

  it('is a 403 that says why when the catalog refuses the caller’s own credentials', async () => {
    const refusing = catalogServiceMock.mock({
      queryEntities: async () => {
        throw Object.assign(
          new Error(
            "Access to target plugin 'catalog' is not included in token's access restrictions",
          ),
          { name: 'NotAllowedError' },
        );
      },
    });
    await expect(
      entitiesInScope(refusing, byName('engineering'), {
        kinds: ['component'],
        credentials,
      }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /may not read the software catalog.*not included in token's access restrictions.*accessRestrictions/,
      ),
    });
  });
});

describe('queryAllEntities', () => {
  it('reads every page of the given size', async () => {
    const inner = catalogServiceMock({
      entities: Array.from({ length: 5 }, (_, i) =>
        owned('Component', `service-${i}`, 'platform'),
      ),
    });
    const limits: Array<number | undefined> = [];
    const counting = Object.assign(Object.create(inner), {
      queryEntities: (
        ...args: Parameters<typeof inner.queryEntities>
      ): ReturnType<typeof inner.queryEntities> => {
        limits.push((args[0] as { limit?: number } | undefined)?.limit);
        return inner.queryEntities(...args);
      },
    });
    const items = await queryAllEntities(
      counting,
      { kind: 'component' },
      { credentials, pageSize: 2 },
    );
    expect(items.map(e => e.metadata.name).sort()).toEqual([
      'service-0',
      'service-1',
      'service-2',
      'service-3',
      'service-4',
    ]);
    expect(limits).toEqual([2, 2, 2]);
  });
});
