/*
 * The goldenpath:validate guardrails over a directory, outside the portal:
 * the one rulebook that templates/scripts/check-rendered.py applies to
 * rendered golden paths. From the repository root:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/golden-path-node/src/guardrails/cli.ts \
 *     <directory> [--check kubernetes,catalog,secrets,workflows]
 *
 * Prints one line per finding (`<check>: <file>:<line>: <message>`) and
 * exits 1 when there is any, 2 on a usage error. --check keeps the findings
 * of the named checks only (e.g. kubernetes over manifests rendered by
 * kustomize). Owners are not looked up: that needs the catalog, which the
 * action asks with the initiator's credentials.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatFinding, GuardrailCheck, WorkspaceFile } from './types';
import { readWorkspaceFiles } from './workspaceFiles';
import { runGuardrails } from './index';

const CHECKS: GuardrailCheck[] = [
  'kubernetes',
  'catalog',
  'secrets',
  'workflows',
];

const USAGE =
  'usage: cli.ts <directory> [--check kubernetes,catalog,secrets,workflows]';

/** Where the command writes; the process streams by default. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

function parseArgs(
  args: string[],
): { directory: string; checks: GuardrailCheck[] } | string {
  const directories: string[] = [];
  let checks = CHECKS;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--check') {
      const names = (args[++i] ?? '').split(',').filter(Boolean);
      const unknown = names.filter(
        name => !CHECKS.includes(name as GuardrailCheck),
      );
      if (names.length === 0 || unknown.length > 0) {
        return `unknown check '${unknown.join(',')}' (${CHECKS.join(', ')})`;
      }
      checks = names as GuardrailCheck[];
    } else if (args[i].startsWith('-')) {
      return `unknown option '${args[i]}'`;
    } else {
      directories.push(args[i]);
    }
  }
  if (directories.length !== 1) {
    return 'name one directory';
  }
  return { directory: resolve(directories[0]), checks };
}

/** Runs the guardrails as the command line asks; resolves to the exit code. */
export async function runGuardrailsCli(
  args: string[],
  output: CliOutput,
): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    output.err(`${parsed}\n${USAGE}`);
    return 2;
  }
  const { directory, checks } = parsed;
  if (!(await stat(directory).catch(() => undefined))?.isDirectory()) {
    output.err(`${directory} is not a directory\n${USAGE}`);
    return 2;
  }
  const files: WorkspaceFile[] = await readWorkspaceFiles(directory);
  const findings = (
    await runGuardrails(files, { entityExists: async () => true })
  ).filter(finding => checks.includes(finding.check));
  for (const finding of findings) {
    output.out(`${finding.check}: ${formatFinding(finding)}`);
  }
  output.out(
    `golden-path guardrails (${checks.join(', ')}): ${findings.length} finding${
      findings.length === 1 ? '' : 's'
    } in ${files.length} files of ${directory}`,
  );
  return findings.length ? 1 : 0;
}

if (require.main === module) {
  runGuardrailsCli(process.argv.slice(2), {
    out: line => process.stdout.write(`${line}\n`),
    err: line => process.stderr.write(`${line}\n`),
  }).then(
    code => {
      process.exitCode = code;
    },
    error => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exitCode = 2;
    },
  );
}
