/*
 * Runs the GitHub stand-in with one seeded repository. Usage (from the
 * repository root):
 *
 *   yarn workspace @paved/github-local start [--port 9004] [--token T] [--admin-token A] [--repository owner/name]
 *
 * Prints the API base URL (integrations.github[].apiBaseUrl). --port 0 (the
 * default): a free port. Token: --token or GITHUB_LOCAL_TOKEN, default
 * paved-local-github-token. --admin-token (or GITHUB_LOCAL_ADMIN_TOKEN)
 * turns on the fault switch at <url>/__stand-in/fault (see README.md).
 * Repository: default fernhill/paved, the portal's own catalog entity.
 */
import { seededRepository } from './seed';
import { LocalGithub } from './server';

export const DEFAULT_TOKEN = 'paved-local-github-token';

function option(args: string[], name: string) {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main() {
  const args = process.argv.slice(2);
  const [owner, name, ...rest] = (
    option(args, '--repository') ?? 'fernhill/paved'
  ).split('/');
  if (!owner || !name || rest.length > 0) {
    throw new Error('--repository must be owner/name');
  }
  const adminToken =
    option(args, '--admin-token') ?? process.env.GITHUB_LOCAL_ADMIN_TOKEN;
  const repository = seededRepository(new Date(), { owner, name });
  const running = await LocalGithub.start({
    port: Number(option(args, '--port') ?? 0),
    host: option(args, '--host'),
    token:
      option(args, '--token') ??
      process.env.GITHUB_LOCAL_TOKEN ??
      DEFAULT_TOKEN,
    adminToken,
    repositories: [repository],
  });
  process.stdout.write(`github api: ${running.url}\n`);
  process.stdout.write(
    `repository ${owner}/${name}: ${repository.deployments.length} deployments\n`,
  );
  if (adminToken) {
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
