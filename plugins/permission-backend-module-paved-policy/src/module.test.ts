import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import permissionModulePavedPolicy from './index';

/** A stand-in cluster API server that records what reaches it. */
async function startCluster() {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ kind: 'NamespaceList', items: [] }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

describe('the paved-policy module', () => {
  it('keeps the official Kubernetes proxy to admins, through the real permission backend', async () => {
    const cluster = await startCluster();
    const { server } = await startTestBackend({
      features: [
        permissionPlugin,
        permissionModulePavedPolicy,
        kubernetesPlugin,
        permissionsServiceFactory,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            paved: { permission: { admins: ['user:default/lena.fischer'] } },
            kubernetes: {
              serviceLocatorMethod: { type: 'multiTenant' },
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'stand-in',
                      url: cluster.url,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: 'portal-cluster-token',
                      skipMetricsLookup: true,
                    },
                  ],
                },
              ],
            },
          },
        }),
      ],
    });
    try {
      const { port } = server.address() as AddressInfo;
      const proxy = (user: string) =>
        fetch(
          `http://localhost:${port}/api/kubernetes/proxy/api/v1/namespaces`,
          {
            headers: {
              authorization: mockCredentials.user.header(user),
              'backstage-kubernetes-cluster': 'stand-in',
            },
          },
        );

      const developer = await proxy('user:default/amara.okafor');
      expect(developer.status).toBe(403);
      expect(cluster.requests).toEqual([]);

      const admin = await proxy('user:default/lena.fischer');
      if (admin.status !== 200) throw new Error(await admin.text());
      expect(admin.status).toBe(200);
      expect(await admin.json()).toEqual({ kind: 'NamespaceList', items: [] });
      expect(cluster.requests).toEqual(['GET /api/v1/namespaces']);
    } finally {
      await server.close?.();
      await cluster.close();
    }
    // The first run transforms the Kubernetes backend's dependencies.
  }, 60_000);

  it('refuses to start in production without admins', async () => {
    await expect(
      startTestBackend({
        features: [
          permissionPlugin,
          permissionModulePavedPolicy,
          mockServices.rootConfig.factory({
            data: {
              auth: { environment: 'production' },
              permission: { enabled: true },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      'Paved will not start in production without portal admins',
    );
  });
});
