import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import {
  FERNHILL_SCENARIO,
  LocalKubeApiServer,
  type RunningServer,
  loadScenarioFile,
} from '@paved/kube-apiserver-local';
import { readKubeStatusConfig } from '../config';
import {
  ADMIN_TOKEN,
  NO_PODS_TOKEN,
  eventually,
} from '../__testUtils__/testUtils';
import { ClusterCache } from './ClusterCache';

jest.setTimeout(30_000);

/** A certificate for 127.0.0.1, so the API server can be verified. */
function certificateFor127001(dir: string): { key: string; cert: string } {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=kube-apiserver-local',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
  };
}

/** Config of one cluster, without a token unless given. */
function clusterConfig(cluster: Record<string, unknown>, kubeStatus = {}) {
  return mockServices.rootConfig({
    data: {
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'eu-west-prod',
                url: 'https://127.0.0.1:6443',
                authProvider: 'serviceAccount',
                ...cluster,
              },
            ],
          },
        ],
      },
      kubeStatus,
    },
  });
}

describe('the pod service account', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A temp dir standing in for the pod's service-account mount. */
  function serviceAccountMount(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'kube-status-sa-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text);
    }
    return dir;
  }

  it('is used for a cluster without a token, with its CA unless one is configured', () => {
    const dir = serviceAccountMount({ token: 'pod-token', 'ca.crt': 'CA' });
    const read = (cluster: Record<string, unknown>) =>
      readKubeStatusConfig(clusterConfig(cluster), {
        serviceAccountDir: dir,
      }).clusters[0];
    // Only where the files are: the token is read when used.
    expect(read({})).toEqual({
      name: 'eu-west-prod',
      url: 'https://127.0.0.1:6443',
      serviceAccountTokenFile: join(dir, 'token'),
      skipTLSVerify: false,
      caFile: join(dir, 'ca.crt'),
    });
    expect(read({ caData: 'Q0E=' })).toMatchObject({
      serviceAccountTokenFile: join(dir, 'token'),
      caData: 'Q0E=',
      caFile: undefined,
    });
    expect(read({ caFile: '/etc/ssl/cluster-ca.pem' })).toMatchObject({
      serviceAccountTokenFile: join(dir, 'token'),
      caFile: '/etc/ssl/cluster-ca.pem',
    });
    // A configured token wins; the mount is not used at all.
    expect(read({ serviceAccountToken: 'static' })).toMatchObject({
      serviceAccountToken: 'static',
      serviceAccountTokenFile: undefined,
      caFile: undefined,
    });
    // Outside a pod (no mount) a cluster without a token has none, as before.
    expect(
      readKubeStatusConfig(clusterConfig({}), {
        serviceAccountDir: join(dir, 'absent'),
      }).clusters[0],
    ).toMatchObject({
      serviceAccountToken: undefined,
      serviceAccountTokenFile: undefined,
      caFile: undefined,
    });
  });

  it('reads the cluster with the mounted token and CA, and a rotated token on the next connection', async () => {
    const tls = certificateFor127001(serviceAccountMount({}));
    const scenario = loadScenarioFile(FERNHILL_SCENARIO).clusters.find(
      c => c.name === 'eu-west-prod',
    )!;
    const server: RunningServer = await LocalKubeApiServer.start({
      scenario,
      tls,
      tokens: {
        [ADMIN_TOKEN]: { user: 'kube-status' },
        [NO_PODS_TOKEN]: {
          user: 'kube-status',
          forbidden: [{ resource: 'pods' }],
        },
      },
    });
    cleanups.push(() => server.stop());
    // The token a kubelet would project, with its trailing newline.
    const dir = serviceAccountMount({
      token: `${NO_PODS_TOKEN}\n`,
      'ca.crt': tls.cert,
    });
    const { clusters, timings } = readKubeStatusConfig(
      // The certificate is verified against the mounted ca.crt.
      clusterConfig({ url: server.url }, { retryDelaySeconds: 0.2 }),
      { serviceAccountDir: dir },
    );
    const cache = ClusterCache.create({
      cluster: clusters[0],
      timings,
      logger: mockServices.rootLogger({ level: 'none' }),
    });
    cache.start();
    cleanups.push(() => cache.stop());
    await eventually(() =>
      expect(cache.syncStatus()).toMatchObject({
        state: 'synced',
        degraded: [{ resource: 'pods' }],
      }),
    );
    expect(cache.isReadable('deployments')).toBe(true);
    // The kubelet replaces the token; the next list of pods uses it.
    writeFileSync(join(dir, 'token'), ADMIN_TOKEN);
    await eventually(() =>
      expect(cache.syncStatus()).toMatchObject({
        state: 'synced',
        degraded: [],
      }),
    );
    expect(cache.isReadable('pods')).toBe(true);
  });

  it('does not trust the API server without the CA', async () => {
    const tls = certificateFor127001(serviceAccountMount({}));
    const scenario = loadScenarioFile(FERNHILL_SCENARIO).clusters.find(
      c => c.name === 'eu-west-prod',
    )!;
    const server = await LocalKubeApiServer.start({
      scenario,
      tls,
      tokens: { [ADMIN_TOKEN]: { user: 'kube-status' } },
    });
    cleanups.push(() => server.stop());
    const dir = serviceAccountMount({ token: ADMIN_TOKEN });
    const { clusters, timings } = readKubeStatusConfig(
      clusterConfig({ url: server.url }, { retryDelaySeconds: 0.2 }),
      { serviceAccountDir: dir },
    );
    const cache = ClusterCache.create({
      cluster: clusters[0],
      timings,
      logger: mockServices.rootLogger({ level: 'none' }),
    });
    cache.start();
    cleanups.push(() => cache.stop());
    await eventually(() => expect(cache.syncStatus().state).toBe('error'));
    expect(server.requests).toEqual([]);
  });
});
