import { mockServices } from '@backstage/backend-test-utils';
import { startKubeStatusBackend } from './__testUtils__/testUtils';
import { readKubeStatusConfig } from './config';

/** Config with the given clusters in the official plugin's list. */
function withClusters(
  clusters: Array<{ name: string; url: string; authProvider?: string }>,
  paved?: object,
) {
  return mockServices.rootConfig({
    data: {
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: clusters.map(c => ({
              authProvider: 'serviceAccount',
              serviceAccountToken: 'secret-token',
              ...c,
            })),
          },
        ],
      },
      ...(paved ? { paved } : {}),
    },
  });
}

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
        retryDelayMs: 10_000,
      },
    });
  });

  it('watches nothing without Kubernetes config', () => {
    expect(
      readKubeStatusConfig(mockServices.rootConfig({ data: {} })).clusters,
    ).toEqual([]);
  });

  describe('cluster URLs', () => {
    const prod = { name: 'prod', url: 'https://prod.example.com' };
    const legacy = { name: 'legacy', url: 'http://10.0.4.2:8080' };

    it('refuses a plain http: cluster, naming it and the opt-in', () => {
      expect(() => readKubeStatusConfig(withClusters([prod, legacy]))).toThrow(
        "Kubernetes cluster 'legacy' has a plain http: url 'http://10.0.4.2:8080'",
      );
      expect(() => readKubeStatusConfig(withClusters([legacy]))).toThrow(
        "paved.kubernetes.allowInsecureHttpClusters: ['legacy']",
      );
    });

    it('refuses a plain http: cluster even when its auth provider is one this plugin skips', () => {
      // The official Kubernetes plugin reads the same list and would use it.
      expect(() =>
        readKubeStatusConfig(
          withClusters([{ ...legacy, authProvider: 'google' }]),
        ),
      ).toThrow("Kubernetes cluster 'legacy' has a plain http: url");
    });

    it('refuses a url that is not an https: URL at all', () => {
      expect(() =>
        readKubeStatusConfig(
          withClusters([{ name: 'typo', url: 'prod.example.com:6443' }]),
        ),
      ).toThrow("Kubernetes cluster 'typo' has");
      expect(() =>
        readKubeStatusConfig(
          withClusters([{ name: 'odd', url: 'ws://prod.example.com' }]),
        ),
      ).toThrow(
        "Kubernetes cluster 'odd' has url 'ws://prod.example.com' with protocol 'ws:'; expected an https: URL",
      );
    });

    it('accepts a plain http: cluster named in allowInsecureHttpClusters, and only that one', () => {
      const other = { name: 'other', url: 'http://10.0.4.3:8080' };
      const optIn = { kubernetes: { allowInsecureHttpClusters: ['legacy'] } };
      expect(
        readKubeStatusConfig(withClusters([prod, legacy], optIn)).clusters.map(
          c => c.url,
        ),
      ).toEqual(['https://prod.example.com', 'http://10.0.4.2:8080']);
      expect(() =>
        readKubeStatusConfig(withClusters([legacy, other], optIn)),
      ).toThrow("Kubernetes cluster 'other' has a plain http: url");
    });

    it('accepts every plain http: cluster with allowInsecureHttp: true', () => {
      const other = { name: 'other', url: 'http://10.0.4.3:8080' };
      expect(
        readKubeStatusConfig(
          withClusters([legacy, other], {
            kubernetes: { allowInsecureHttp: true },
          }),
        ).clusters.map(c => c.name),
      ).toEqual(['legacy', 'other']);
    });

    it("loads the local default's stand-in clusters (https on 6443 and 6444)", () => {
      expect(
        readKubeStatusConfig(
          withClusters([
            { name: 'eu-west-prod', url: 'https://127.0.0.1:6443' },
            { name: 'eu-west-nonprod', url: 'https://127.0.0.1:6444' },
          ]),
        ).clusters.map(c => c.url),
      ).toEqual(['https://127.0.0.1:6443', 'https://127.0.0.1:6444']);
    });

    it('stops the backend from starting with a plain http: cluster', async () => {
      await expect(
        startKubeStatusBackend({
          clusters: [{ ...legacy, token: 'secret-token' }],
        }),
      ).rejects.toThrow("Kubernetes cluster 'legacy' has a plain http: url");
    });
  });
});
