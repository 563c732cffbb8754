import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { RunningServer } from './server';
import { ADMIN, startProd } from './testUtils';

const SCRIPT = resolve(__dirname, '../scripts/client-node-check.mjs');

// A child process with its own module loading: seconds on a busy machine.
jest.setTimeout(30_000);

describe('@kubernetes/client-node against the local API server', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startProd({ tls: 'self-signed', bookmarkIntervalMs: 100 });
    s.cluster.compact(); // so that resourceVersion 1 is too old
  });
  afterAll(() => s.stop());

  it('lists deployments by label and watches pods', async () => {
    const p = spawn(process.execPath, [
      SCRIPT,
      s.url,
      ADMIN,
      'checkout',
      'backstage.io/kubernetes-id=checkout-service',
    ]);
    let out = '';
    let err = '';
    p.stdout.on('data', d => (out += d));
    p.stderr.on('data', d => (err += d));
    const lines = () =>
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map(l => JSON.parse(l));
    const waitFor = async (pred: () => boolean) => {
      for (let i = 0; i < 200 && !pred(); i++)
        await new Promise(r => setTimeout(r, 50));
      if (!pred()) throw new Error(`timed out; stdout: ${out} stderr: ${err}`);
    };
    try {
      await waitFor(() => lines().some(l => 'expiredDone' in l));
      expect(lines().filter(l => 'expired' in l)).toEqual([
        { expired: 'ERROR', code: 410, reason: 'Expired' },
      ]);
      const [list, notFound] = lines();
      expect(list.list).toEqual([
        { name: 'checkout-service', replicas: 3, revision: '3', created: true },
      ]);
      expect(list.pods).toBe(3);
      expect(notFound).toEqual({ notFound: 404, body: 'NotFound' });

      const pods = s.cluster
        .list({
          group: '',
          version: 'v1',
          plural: 'pods',
          singular: 'pod',
          kind: 'Pod',
          namespaced: true,
        })
        .filter(
          x =>
            x.metadata.labels?.['backstage.io/kubernetes-id'] ===
              'checkout-service' && x.metadata.namespace === 'checkout',
        );
      s.cluster.crash('checkout', pods[0].metadata.name);
      s.cluster.rollout(
        'checkout',
        'checkout-service',
        'ghcr.io/fernhill/checkout-service:1.15.0',
      );
      await waitFor(
        () => lines().filter(l => l.type === 'DELETED').length === 3,
      );
      await waitFor(() => lines().some(l => l.type === 'BOOKMARK'));
    } finally {
      p.kill();
    }
    const events = lines().filter(l => l.type && l.type !== 'BOOKMARK');
    expect(events[0]).toMatchObject({ type: 'MODIFIED', restarts: 1 });
    expect(events.slice(1, 4).map(e => [e.type, e.image])).toEqual(
      Array(3).fill(['ADDED', 'ghcr.io/fernhill/checkout-service:1.15.0']),
    );
    expect(events.slice(4).map(e => e.type)).toEqual([
      'DELETED',
      'DELETED',
      'DELETED',
    ]);
  });
});
