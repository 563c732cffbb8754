import type { AddressInfo } from 'node:net';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import demoAdminProvider from './demoAdminProvider';

jest.setTimeout(60_000);

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'priya.raman', namespace: 'default' },
    spec: { memberOf: ['platform'] },
    relations: [{ type: 'memberOf', targetRef: 'group:default/platform' }],
  },
];

async function start(providers: object, environment = 'development') {
  const backend = await startTestBackend({
    features: [
      authPlugin,
      demoAdminProvider,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          auth: { environment, providers },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const refresh = () =>
    fetch(`http://localhost:${port}/api/auth/demo-admin/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
  return { backend, refresh };
}

describe('the demo admin sign-in', () => {
  const nodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  it('signs in locally as the configured admin, with their groups', async () => {
    process.env.NODE_ENV = 'development';
    const { backend, refresh } = await start({
      'demo-admin': { userEntityRef: 'user:default/priya.raman' },
    });
    try {
      const res = await refresh();
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.backstageIdentity.identity).toEqual({
        type: 'user',
        userEntityRef: 'user:default/priya.raman',
        ownershipEntityRefs: [
          'user:default/priya.raman',
          'group:default/platform',
        ],
      });
      const [, claims] = body.backstageIdentity.token.split('.');
      expect(JSON.parse(Buffer.from(claims, 'base64url').toString()).sub).toBe(
        'user:default/priya.raman',
      );
    } finally {
      await backend.stop();
    }
  });

  it('refuses outside development, and does not exist unless configured', async () => {
    process.env.NODE_ENV = 'production';
    const configured = await start({
      'demo-admin': { userEntityRef: 'user:default/priya.raman' },
    });
    try {
      const res = await configured.refresh();
      expect(res.status).toBe(403);
      expect((await res.json()).error.message).toBe(
        'The demo admin sign-in works only in local development',
      );
    } finally {
      await configured.backend.stop();
    }
    process.env.NODE_ENV = 'development';
    const absent = await start({});
    try {
      expect((await absent.refresh()).status).toBe(404);
    } finally {
      await absent.backend.stop();
    }
  });

  it('stops a backend configured for production that still has it', async () => {
    process.env.NODE_ENV = 'development';
    await expect(
      start(
        { 'demo-admin': { userEntityRef: 'user:default/priya.raman' } },
        'production',
      ),
    ).rejects.toThrow(/demo-admin signs anyone in as a portal admin/);
  });
});
