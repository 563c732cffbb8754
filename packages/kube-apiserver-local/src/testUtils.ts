import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalKubeApiServer, RunningServer } from './server';
import { FERNHILL_SCENARIO, loadScenarioFile } from './scenario';

export const ADMIN = 'admin-token';
export const NO_PODS = 'no-pods-token';

export async function startProd(
  opts: {
    historySize?: number;
    bookmarkIntervalMs?: number;
    tls?: 'self-signed';
    adminToken?: string;
  } = {},
): Promise<RunningServer> {
  const file = loadScenarioFile(FERNHILL_SCENARIO);
  return LocalKubeApiServer.start({
    scenario: file.clusters.find(c => c.name === 'eu-west-prod')!,
    tokens: {
      [ADMIN]: { user: 'admin' },
      [NO_PODS]: { user: 'jane', forbidden: [{ resource: 'pods' }] },
    },
    ...opts,
  });
}

export function get(url: string, token: string = ADMIN) {
  return fetch(url, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
}

export function kubeconfig(url: string, token = ADMIN): string {
  const dir = mkdtempSync(join(tmpdir(), 'kube-local-'));
  const path = join(dir, 'config');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: local',
      '  cluster:',
      `    server: ${url}`,
      '    insecure-skip-tls-verify: true',
      'users:',
      '- name: local',
      '  user:',
      `    token: ${token}`,
      'contexts:',
      '- name: local',
      '  context: {cluster: local, user: local}',
      'current-context: local',
      '',
    ].join('\n'),
  );
  return path;
}

/** Runs a command; resolves with its output (rejects on a non-zero exit). */
export function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', d => (stdout += d));
    p.stderr.on('data', d => (stderr += d));
    p.on('error', reject);
    p.on('close', code =>
      code === 0
        ? resolve({ stdout, stderr })
        : reject(
            new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`),
          ),
    );
  });
}

/** Reads a watch stream line by line. */
export async function* watchLines(res: Response): AsyncGenerator<any> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (line) yield JSON.parse(line);
    }
  }
}
