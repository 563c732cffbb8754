import { mockServices } from '@backstage/backend-test-utils';
import { readKubeStatusConfig } from './config';

describe('readKubeStatusConfig', () => {
  it("reads the official plugin's config clusters and kubeStatus timings", () => {
    const config = mockServices.rootConfig({
      data: {
        kubernetes: {
          clusterLocatorMethods: [
            { type: 'catalog' },
            {
              type: 'config',
              clusters: [
                {
                  name: 'prod',
                  url: 'https://prod.example.com',
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'secret-token',
                  caData: 'Q0E=',
                },
                {
                  name: 'eks',
                  url: 'https://eks.example.com',
                  authProvider: 'aws',
                },
              ],
            },
          ],
        },
        kubeStatus: { silentWatchTimeoutSeconds: 30 },
      },
    });
    expect(readKubeStatusConfig(config)).toEqual({
      clusters: [
        {
          name: 'prod',
          url: 'https://prod.example.com',
          serviceAccountToken: 'secret-token',
          skipTLSVerify: false,
          caData: 'Q0E=',
        },
      ],
      skipped: [
        "eks: authProvider 'aws' is not supported, only 'serviceAccount'",
      ],
      timings: {
        resyncIntervalMs: 600_000,
        silentWatchTimeoutMs: 30_000,
        retryDelayMs: 30_000,
      },
    });
  });

  it('watches nothing without Kubernetes config', () => {
    expect(
      readKubeStatusConfig(mockServices.rootConfig({ data: {} })).clusters,
    ).toEqual([]);
  });
});
