import { resolve } from 'node:path';
import { ServiceFactoryTester } from '@backstage/backend-test-utils';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import {
  readHelmetOptions,
  readHttpServerOptions,
} from '@backstage/backend-defaults/rootHttpRouter';

const repoRoot = resolve(__dirname, '../../..');

/** The configuration the backend reads with these `--config` files. */
async function loadConfig(...files: string[]) {
  const argv = ['node', 'packages/backend'];
  for (const file of files) argv.push('--config', resolve(repoRoot, file));
  // The loader announces its sources on the console; not needed here.
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  try {
    return await ServiceFactoryTester.from(
      rootConfigServiceFactory({ argv, watch: false }),
    ).getSubject();
  } finally {
    log.mockRestore();
  }
}

const local = () => loadConfig('app-config.yaml');
const devServer = () =>
  loadConfig('app-config.yaml', 'app-config.dev-server.yaml');
const production = () =>
  loadConfig('app-config.yaml', 'app-config.production.yaml');

/** The Content-Security-Policy directives the backend sends. */
function cspOf(config: Awaited<ReturnType<typeof loadConfig>>) {
  const { contentSecurityPolicy } = readHelmetOptions(
    config.getOptionalConfig('backend'),
  );
  if (typeof contentSecurityPolicy !== 'object' || !contentSecurityPolicy) {
    throw new Error('no Content-Security-Policy');
  }
  return contentSecurityPolicy.directives as Record<string, string[]>;
}

describe('the portal configuration', () => {
  it('binds the local default backend and frontend dev server to loopback only', async () => {
    const config = await local();
    expect(readHttpServerOptions(config.getConfig('backend')).listen).toEqual({
      host: '127.0.0.1',
      port: 7007,
    });
    // The backend serves the app itself, on the same URL.
    expect(config.getString('app.baseUrl')).toBe(
      config.getString('backend.baseUrl'),
    );
    const dev = await devServer();
    expect(dev.getString('app.baseUrl')).toBe('http://localhost:3000');
    expect(dev.getString('app.listen.host')).toBe('127.0.0.1');
    expect(readHttpServerOptions(dev.getConfig('backend')).listen.host).toBe(
      '127.0.0.1',
    );
    // Only the development server's pages may call the backend cross-origin.
    expect(dev.getString('backend.cors.origin')).toBe('http://localhost:3000');
    expect(config.has('backend.cors')).toBe(false);
  });

  it('listens on every interface in production (pods behind a Service)', async () => {
    const config = await production();
    expect(readHttpServerOptions(config.getConfig('backend')).listen).toEqual({
      host: '',
      port: 7007,
    });
  });

  it.each([
    ['the local default', local],
    ['production', production],
  ])(
    'lets pages connect only to the portal and the GitHub API in %s',
    async (_name, load) => {
      const connectSrc = cspOf(await load())['connect-src'];
      expect(connectSrc).toEqual(["'self'", 'https://api.github.com']);
      // A bare scheme (http:, https:, wss:) or a wildcard would allow any host.
      for (const source of connectSrc) {
        expect(source).not.toMatch(/^[a-z][a-z0-9+.-]*:$|\*/);
      }
    },
  );

  it("connects none of the local default's demo data sources in production", async () => {
    const config = await production();
    expect(
      config
        .getConfigArray('kubernetes.clusterLocatorMethods')[0]
        .get('clusters'),
    ).toEqual([]);
    expect(config.get('cost.opencost.clusters')).toEqual([]);
    expect(config.get('cost.focus.imports')).toEqual([]);
    // Without PROMETHEUS_URL, cost per request is off, not the demo server.
    expect(config.getString('cost.prometheus.baseUrl')).toBe('none');
  });

  it("reaches the local default's demo clusters over https only", async () => {
    const methods = (await local()).getConfigArray(
      'kubernetes.clusterLocatorMethods',
    );
    const urls = methods.flatMap(m =>
      (m.getOptionalConfigArray('clusters') ?? []).map(c => c.getString('url')),
    );
    expect(urls).toEqual(['https://127.0.0.1:6443', 'https://127.0.0.1:6444']);
  });
});
