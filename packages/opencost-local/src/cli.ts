/*
 * Runs the OpenCost stand-in for every cluster of a scenario file. Usage
 * (from the repository root):
 *
 *   yarn workspace @paved/opencost-local start [--port 9003] [--scenario file.yaml] [--token T] [--admin-token A]
 *
 * Each cluster is one OpenCost at <url>/<cluster>; <url> itself answers
 * for all of them. Default scenario: the Kubernetes stand-in's fernhill.yaml.
 * --admin-token (or OPENCOST_LOCAL_ADMIN_TOKEN) turns on the fault switch
 * at <url>/__stand-in/fault (see README.md). --port 0: a free port.
 */
import { LocalOpenCost } from './server';
import { FERNHILL_SCENARIO, loadScenario } from './scenario';

function option(args: string[], name: string) {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main() {
  const args = process.argv.slice(2);
  // Relative paths are from the working directory, which `yarn workspace
  // ... start` sets to this package: pass an absolute path there.
  const scenarioPath = option(args, '--scenario') ?? FERNHILL_SCENARIO;
  const running = await LocalOpenCost.start({
    scenario: loadScenario(scenarioPath),
    port: Number(option(args, '--port') ?? 9003),
    host: option(args, '--host'),
    token: option(args, '--token') ?? process.env.OPENCOST_LOCAL_TOKEN,
    adminToken:
      option(args, '--admin-token') ?? process.env.OPENCOST_LOCAL_ADMIN_TOKEN,
  });
  process.stdout.write(`opencost (all clusters): ${running.url}\n`);
  for (const [name, url] of Object.entries(running.clusterUrls)) {
    process.stdout.write(`cluster ${name}: ${url}\n`);
  }
  if (option(args, '--admin-token') ?? process.env.OPENCOST_LOCAL_ADMIN_TOKEN) {
    process.stdout.write(`fault switch: ${running.url}/__stand-in/fault\n`);
  }
  const stop = async () => {
    await running.stop();
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
