/*
 * Runs one local API server per cluster of a scenario file and prints the
 * URLs and tokens. Usage (from the repository root):
 *
 *   yarn workspace @paved/kube-apiserver-local start [scenario.yaml] [--port 6443] [--http] [--admin-token A]
 *
 * Ports: --port N gives the first cluster N, the next N+1, ...; default random.
 * HTTPS with a throw-away self-signed certificate by default (kubectl only
 * sends tokens over HTTPS; use insecure-skip-tls-verify), --http for plain.
 * --admin-token (or KUBE_APISERVER_LOCAL_ADMIN_TOKEN) turns on each
 * cluster's fault switch at <url>/__stand-in/fault (see README.md).
 */
import { LocalKubeApiServer, RunningServer } from './server';
import { FERNHILL_SCENARIO, loadScenarioFile } from './scenario';

export const LOCAL_TOKENS = {
  'paved-local-admin': { user: 'paved-admin' },
  'paved-local-no-secrets': {
    user: 'paved-viewer',
    forbidden: [{ resource: 'pods/log' }, { resource: 'events' }],
  },
};

async function main() {
  const args = process.argv.slice(2);
  const withValue = new Set(['--port', '--admin-token']);
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const basePort = Number(option('--port') ?? 0);
  const adminToken =
    option('--admin-token') ?? process.env.KUBE_APISERVER_LOCAL_ADMIN_TOKEN;
  const file =
    args.find(
      (a, i) => !a.startsWith('--') && !withValue.has(args[i - 1] ?? ''),
    ) ?? FERNHILL_SCENARIO;
  const scenario = loadScenarioFile(file);
  const running: RunningServer[] = [];
  for (const [i, c] of scenario.clusters.entries()) {
    const s = await LocalKubeApiServer.start({
      scenario: c,
      tokens: LOCAL_TOKENS,
      port: basePort ? basePort + i : 0,
      tls: args.includes('--http') ? undefined : 'self-signed',
      adminToken,
    });
    running.push(s);
    process.stdout.write(`cluster ${c.name}: ${s.url}\n`);
    if (adminToken) {
      process.stdout.write(`fault switch: ${s.url}/__stand-in/fault\n`);
    }
  }
  process.stdout.write(
    `tokens: ${Object.entries(LOCAL_TOKENS)
      .map(
        ([t, c]) =>
          `${t} (${c.user}${
            'forbidden' in c
              ? `, forbidden: ${c.forbidden.map(f => f.resource).join(', ')}`
              : ''
          })`,
      )
      .join('; ')}\n`,
  );
  const stop = async () => {
    await Promise.all(running.map(r => r.stop()));
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch(e => {
    process.stderr.write(`${e.stack ?? e}\n`);
    process.exit(1);
  });
}
