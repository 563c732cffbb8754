import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { startKubeStatusBackend } from './__testUtils__/testUtils';

jest.setTimeout(30_000);

describe('kube-status API', () => {
  // No clusters: these tests are about the HTTP contract, not the cache.
  let api: Awaited<ReturnType<typeof startKubeStatusBackend>>;
  beforeAll(async () => {
    api = await startKubeStatusBackend({ clusters: [] });
  });
  afterAll(() => api.backend.stop());

  it('answers an entity without Kubernetes annotations with no workloads', async () => {
    expect(
      await api.get('/entity?entityRef=component:default/checkout-docs'),
    ).toEqual({
      status: 200,
      body: {
        entityRef: 'component:default/checkout-docs',
        matchedBy: '',
        health: 'unknown',
        workloads: [],
        clusters: [],
      },
    });
  });

  it('takes a short component ref', async () => {
    const { status, body } = await api.get('/entity?entityRef=orders-service');
    expect(status).toBe(200);
    expect(body.matchedBy).toBe('backstage.io/kubernetes-id=orders-service');
  });

  // A missing or empty entityRef is refused by the spec's validation, whose
  // message names the parameter; the rest by the service's own checks.
  it.each([
    ['/entity', 'entityRef'],
    ['/entity?entityRef=', 'entityRef'],
    ['/team', 'entityRef'],
    ['/team?entityRef=', 'entityRef'],
    ['/entity?entityRef=component:', 'is not an entity ref'],
    [
      '/entity?entityRef=group:default/checkout',
      'must name a component, not a group',
    ],
    [
      '/team?entityRef=component:default/checkout-service',
      'must name a group or a system',
    ],
  ])('rejects %s with 400', async (path, message) => {
    const { status, body } = await api.get(path);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(message),
    });
  });

  it('answers every component in production unless told another environment', async () => {
    expect(await api.get('/components')).toEqual({
      status: 200,
      body: { environment: 'production', components: [], clusters: [] },
    });
    const staging = await api.get('/components?environment=staging');
    expect(staging.status).toBe(200);
    expect(staging.body.environment).toBe('staging');
  });

  // The spec's validation refuses a malformed environment (its message
  // names the parameter) and any query parameter the route does not take.
  it.each([
    ['/components?environment=', "query parameter 'environment'"],
    ['/components?environment=-staging', 'query/environment must match'],
    ['/components?environment=prod%2Fuction', 'query/environment must match'],
    [
      `/components?environment=${'a'.repeat(64)}`,
      'query/environment must NOT have more than 63 characters',
    ],
    [
      '/components?environment=production&env=staging',
      "Unknown query parameter 'env'",
    ],
    [
      '/entity?entityRef=orders-service&environment=production',
      "Unknown query parameter 'environment'",
    ],
  ])('rejects %s with 400', async (path, message) => {
    const { status, body } = await api.get(path);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(message),
    });
  });

  it.each([
    '/entity?entityRef=component:default/nope',
    '/team?entityRef=group:default/nope',
  ])('answers 404 for an unknown entity: %s', async path => {
    const { status, body } = await api.get(path);
    expect(status).toBe(404);
    expect(body.error.name).toBe('NotFoundError');
  });

  it.each([
    '/entity?entityRef=orders-service',
    '/team?entityRef=group:default/checkout',
    '/components',
  ])('requires credentials: %s', async path => {
    expect((await api.get(path, '')).status).toBe(401);
  });

  it('lets a service (e.g. another plugin) read', async () => {
    const port = (api.backend.server.address() as { port: number }).port;
    const res = await fetch(
      `http://localhost:${port}/api/kube-status/team?entityRef=group:default/commerce`,
      { headers: { authorization: mockCredentials.service.header() } },
    );
    expect(res.status).toBe(200);
    expect((await res.json()).components.map((c: any) => c.entityRef)).toEqual([
      'component:default/checkout-service',
      'component:default/orders-service',
    ]);
  });

  it('answers 403 without the kube-status.read permission', async () => {
    const denied = await startKubeStatusBackend({
      clusters: [],
      features: [
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    try {
      for (const path of [
        '/entity?entityRef=orders-service',
        '/team?entityRef=group:default/checkout',
        '/components',
        '/components?environment=staging',
        // Refused before the ref is even looked at.
        '/entity?entityRef=component:default/nope',
      ]) {
        const { status, body } = await denied.get(path);
        expect(status).toBe(403);
        expect(body.error.name).toBe('NotAllowedError');
      }
    } finally {
      await denied.backend.stop();
    }
  });
});
