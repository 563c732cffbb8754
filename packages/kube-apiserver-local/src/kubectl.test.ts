import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { RunningServer } from './server';
import { kubeconfig, run, startProd } from './testUtils';

const KUBECTL = '/usr/bin/kubectl';
const maybe = existsSync(KUBECTL) ? describe : describe.skip;

// kubectl (client-go) only sends a bearer token over HTTPS, so these run the
// server with a throw-away self-signed certificate.
maybe('kubectl against the local API server', () => {
  let s: RunningServer;
  let config: string;
  const kubectl = (...args: string[]) =>
    run(KUBECTL, ['--kubeconfig', config, ...args]);

  beforeAll(async () => {
    s = await startProd({ tls: 'self-signed' });
    config = kubeconfig(s.url);
  });
  afterAll(() => s.stop());

  it('gets pods in all namespaces as JSON', async () => {
    const { stdout } = await kubectl('get', 'pods', '-A', '-o', 'json');
    const list = JSON.parse(stdout);
    expect(list.kind).toBe('List');
    expect(list.items.length).toBeGreaterThan(30);
    const crash = list.items.filter(
      (p: any) =>
        p.status.containerStatuses?.[0]?.state.waiting?.reason ===
        'CrashLoopBackOff',
    );
    expect(crash.map((p: any) => p.metadata.namespace)).toEqual([
      'data-platform',
      'data-platform',
    ]);
  });

  it('gets deployments by label with a short name', async () => {
    const { stdout } = await kubectl(
      'get',
      'deploy',
      '-n',
      'storefront',
      '-l',
      'backstage.io/kubernetes-id=search-service',
      '-o',
      'json',
    );
    const list = JSON.parse(stdout);
    expect(list.items.map((d: any) => d.metadata.name)).toEqual([
      'search-service',
    ]);
    expect(list.items[0].status.conditions[1].reason).toBe(
      'ProgressDeadlineExceeded',
    );
  });

  it('prints a Status error from the server', async () => {
    await expect(
      kubectl('get', 'deploy', 'nope', '-n', 'storefront'),
    ).rejects.toThrow(
      /Error from server \(NotFound\): deployments.apps "nope" not found/,
    );
    const bad = kubeconfig(s.url, 'wrong');
    await expect(
      run(KUBECTL, ['--kubeconfig', bad, 'get', 'pods']),
    ).rejects.toThrow(/You must be logged in to the server/);
  });

  it('prints server-side tables for human-readable output', async () => {
    const { stdout } = await kubectl('get', 'pods', '-n', 'data-platform');
    const lines = stdout.trim().split('\n');
    expect(lines[0].split(/\s+/)).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
    ]);
    expect(lines.slice(1).map(l => l.split(/\s+/).slice(1, 3))).toEqual([
      ['0/1', 'CrashLoopBackOff'],
      ['0/1', 'CrashLoopBackOff'],
    ]);
    const deploy = (
      await kubectl('get', 'deploy', 'search-service', '-n', 'storefront')
    ).stdout;
    expect(deploy).toMatch(/^search-service\s+3\/3\s+1\s+3\s+\d+d$/m);
  });

  it('shows pod logs', async () => {
    const { stdout: name } = await kubectl(
      'get',
      'pods',
      '-n',
      'data-platform',
      '-l',
      'backstage.io/kubernetes-id=order-events-ingestor',
      '-o',
      'jsonpath={.items[0].metadata.name}',
    );
    const { stdout } = await kubectl(
      'logs',
      name,
      '-n',
      'data-platform',
      '--tail=2',
    );
    expect(stdout.trim().split('\n')).toHaveLength(2);
    expect(stdout).toMatch(/FATAL order-events-ingestor exiting with code 1/);
  });

  it('watches pods and sees a crash and a rollout', async () => {
    const p = spawn(KUBECTL, [
      '--kubeconfig',
      config,
      'get',
      'pods',
      '-n',
      'payments',
      '--watch',
      '-l',
      'backstage.io/kubernetes-id=payments-gateway',
      '-o',
      'jsonpath={.metadata.name} {.status.containerStatuses[0].restartCount} {.spec.containers[0].image}{"\\n"}',
    ]);
    let out = '';
    p.stdout.on('data', d => (out += d));
    const waitFor = async (pred: () => boolean) => {
      for (let i = 0; i < 100 && !pred(); i++)
        await new Promise(r => setTimeout(r, 50));
      expect(pred()).toBe(true);
    };
    try {
      await waitFor(() => out.trim().split('\n').length >= 4);
      const first = out.trim().split('\n')[0].split(' ')[0];
      s.cluster.crash('payments', first);
      await waitFor(() => out.includes(`${first} 1 `));
      s.cluster.rollout(
        'payments',
        'payments-gateway',
        'ghcr.io/fernhill/payments-gateway:5.3.0',
      );
      await waitFor(
        () => (out.match(/payments-gateway:5\.3\.0/g) ?? []).length >= 4,
      );
    } finally {
      p.kill();
    }
    const lines = out.trim().split('\n');
    expect(
      lines
        .slice(0, 4)
        .every(l => / 0 ghcr.io\/fernhill\/payments-gateway:5\.2\.0$/.test(l)),
    ).toBe(true);
  });
});
