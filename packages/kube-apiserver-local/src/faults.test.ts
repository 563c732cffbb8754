import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { isLoopback } from './faults';
import { RunningServer } from './server';
import { ADMIN, get, startProd, watchLines } from './testUtils';

const INFORMER = resolve(__dirname, '../scripts/client-node-informer.mjs');
const SWITCH_TOKEN = 'stand-in-admin';

// A child process with its own module loading: seconds on a busy machine.
jest.setTimeout(30_000);

function faultSwitch(
  s: RunningServer,
  method: string,
  body?: object,
  token = SWITCH_TOKEN,
) {
  return fetch(`${s.url}/__stand-in/fault`, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
}

async function waitFor(pred: () => boolean, what: () => string) {
  for (let i = 0; i < 300 && !pred(); i++) {
    await new Promise(r => setTimeout(r, 50));
  }
  if (!pred()) throw new Error(`timed out; ${what()}`);
}

describe('the Kubernetes stand-in fault switch', () => {
  let s: RunningServer;
  beforeEach(async () => {
    s = await startProd({ adminToken: SWITCH_TOKEN });
  });
  afterEach(() => s.stop());

  it('answers every request with an InternalError Status under the error fault, until cleared', async () => {
    const set = await faultSwitch(s, 'PUT', { kind: 'error' });
    expect(await set.json()).toEqual({ fault: { kind: 'error' } });

    const failed = await get(`${s.url}/apis/apps/v1/deployments`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'InternalError',
      code: 500,
    });
    expect((await get(`${s.url}/api/v1/pods?watch=1`)).status).toBe(500);

    await faultSwitch(s, 'PUT', { kind: 'error', status: 503 });
    const unavailable = await get(`${s.url}/api/v1/pods`);
    expect(unavailable.status).toBe(503);
    expect((await unavailable.json()).reason).toBe('ServiceUnavailable');
    expect(await (await faultSwitch(s, 'GET')).json()).toEqual({
      fault: { kind: 'error', status: 503 },
    });

    expect(await (await faultSwitch(s, 'DELETE')).json()).toEqual({
      fault: null,
    });
    const ok = await get(`${s.url}/apis/apps/v1/deployments`);
    expect(ok.status).toBe(200);
    expect((await ok.json()).items.length).toBeGreaterThan(0);
  });

  it('ends every open watch stream on drop-watches', async () => {
    const watch = await get(`${s.url}/api/v1/namespaces/checkout/pods?watch=1`);
    const events = watchLines(watch);
    expect((await events.next()).value.type).toBe('ADDED');

    const dropped = await faultSwitch(s, 'PUT', { kind: 'drop-watches' });
    expect(await dropped.json()).toEqual({ dropped: 1, fault: null });

    // The stream ends after what was already sent.
    let ended = false;
    for (;;) {
      const { done } = await events.next();
      if (done) {
        ended = true;
        break;
      }
    }
    expect(ended).toBe(true);
    // A one-off: nothing lasting, new requests are answered.
    expect(s.fault).toBeUndefined();
    expect((await get(`${s.url}/api/v1/pods`)).status).toBe(200);
  });

  it('refuses the switch without the admin token, and has none without one', async () => {
    expect((await faultSwitch(s, 'PUT', { kind: 'error' }, '')).status).toBe(
      401,
    );
    // The API's own token is not the admin token.
    expect((await faultSwitch(s, 'PUT', { kind: 'error' }, ADMIN)).status).toBe(
      401,
    );
    expect((await faultSwitch(s, 'PUT', { kind: 'reboot' })).status).toBe(400);
    expect((await get(`${s.url}/api/v1/pods`)).status).toBe(200);

    const plain = await startProd();
    try {
      // The API's own answer for a path it does not serve.
      const res = await faultSwitch(plain, 'GET', undefined, ADMIN);
      expect(res.status).toBe(404);
      expect((await res.json()).reason).toBe('NotFound');
    } finally {
      await plain.stop();
    }
  });

  it('answers the switch on loopback addresses only', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('10.0.0.4')).toBe(false);
    expect(isLoopback('::ffff:192.168.1.2')).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });

  it('@kubernetes/client-node informer watches again after drop-watches and sees later changes', async () => {
    const informer = spawn(process.execPath, [
      INFORMER,
      s.url,
      ADMIN,
      'checkout',
    ]);
    let out = '';
    let err = '';
    informer.stdout.on('data', d => (out += d));
    informer.stderr.on('data', d => (err += d));
    const lines = () =>
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map(l => JSON.parse(l));
    const output = () => `stdout: ${out} stderr: ${err}`;
    const watches = () => s.requests.filter(r => r.watch).length;
    try {
      await waitFor(() => watches() === 1, output);
      await waitFor(() => lines().some(l => l.event === 'add'), output);
      const podsBefore = lines().filter(l => l.event === 'add').length;

      const dropped = await faultSwitch(s, 'PUT', { kind: 'drop-watches' });
      expect((await dropped.json()).dropped).toBe(1);

      // The informer lists again and opens a new watch.
      await waitFor(
        () => lines().filter(l => 'connect' in l).length >= 2,
        output,
      );
      await waitFor(() => watches() === 2, output);
      // It resumes from the last resourceVersion it saw, as it would after
      // an API server restart (a list again only if that were too old).
      const [first, again] = s.requests.filter(r => r.watch);
      expect(first.path).toBe('/api/v1/namespaces/checkout/pods');
      expect(again.path).toBe(first.path);
      expect(Number(again.query.resourceVersion)).toBeGreaterThan(0);

      // A change after the drop reaches the informer through the new watch.
      s.cluster.scale('checkout', 'checkout-service', 5);
      await waitFor(
        () => lines().filter(l => l.event === 'add').length === podsBefore + 2,
        output,
      );
      const added = lines()
        .filter(l => l.event === 'add')
        .slice(podsBefore);
      expect(added.map(l => l.app)).toEqual([
        'checkout-service',
        'checkout-service',
      ]);
      expect(lines().filter(l => 'error' in l)).toEqual([]);
    } finally {
      informer.kill();
    }
  });
});
