// @ts-check
/*
 * The soak's stand-ins as separate processes: started, each fault set from
 * outside through its switch and seen by a client, cleared, and stopped.
 *   node --test e2e-tests/soak/standins.test.mjs
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, test } from 'node:test';
import { startStandIns } from './standins.mjs';

/** @type {Awaited<ReturnType<typeof startStandIns>>} */
let standIns;

before(async () => {
  standIns = await startStandIns();
});
after(async () => {
  await standIns?.stop();
});

/**
 * A GET to the Kubernetes stand-in (self-signed HTTPS); resolves with the
 * status and, for a watch, the response stream.
 * @param {string} path
 * @returns {Promise<import('node:http').IncomingMessage>}
 */
function kubeGet(path) {
  const [cluster] =
    standIns.configLayer.kubernetes.clusterLocatorMethods[0].clusters;
  return new Promise((resolve, reject) => {
    https
      .get(
        `${cluster.url}${path}`,
        {
          headers: { authorization: `Bearer ${cluster.serviceAccountToken}` },
          rejectUnauthorized: false,
        },
        resolve,
      )
      .on('error', reject);
  });
}

/** @param {import('node:http').IncomingMessage} res */
async function drain(res) {
  for await (const _ of res);
  return res.statusCode;
}

test('the configuration layer points at the running stand-ins', () => {
  const { configLayer } = standIns;
  const clusters = configLayer.kubernetes.clusterLocatorMethods[0].clusters;
  assert.deepEqual(
    clusters.map(c => c.name),
    ['eu-west-prod', 'eu-west-nonprod'],
  );
  assert.ok(clusters.every(c => c.url.startsWith('https://127.0.0.1:')));
  assert.deepEqual(
    configLayer.cost.opencost.clusters.map(c => c.name),
    ['eu-west-prod', 'eu-west-nonprod'],
  );
  assert.equal(configLayer.integrations.github[0].host, 'github.com');
  assert.equal(configLayer.dora.github.poll.enabled, true);
});

test('OpenCost: 500s and hangs while the fault is set, allocations after', async () => {
  const [cluster] = standIns.configLayer.cost.opencost.clusters;
  const allocation = (/** @type {number} */ timeoutMs) =>
    fetch(
      `${cluster.baseUrl}/allocation?window=yesterday&aggregate=namespace`,
      {
        headers: { authorization: `Bearer ${cluster.token}` },
        signal: AbortSignal.timeout(timeoutMs),
      },
    );
  assert.equal((await allocation(10_000)).status, 200);

  await standIns.setFault('opencost', { kind: 'error' });
  const failed = await allocation(10_000);
  assert.equal(failed.status, 500);
  assert.match((await failed.json()).message, /^Error:/);

  await standIns.setFault('opencost', { kind: 'timeout' });
  await assert.rejects(allocation(500), { name: 'TimeoutError' });

  await standIns.setFault('opencost', undefined);
  const ok = await allocation(10_000);
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).code, 200);
});

test('Kubernetes: watches dropped, 5xx while failing, lists after', async () => {
  const watch = await kubeGet('/api/v1/namespaces/checkout/pods?watch=1');
  assert.equal(watch.statusCode, 200);
  const ended = drain(watch);

  await standIns.setFault('kubernetes', { kind: 'drop-watches' });
  assert.equal(await ended, 200, 'the watch stream ended');

  await standIns.setFault('kubernetes', { kind: 'error', status: 503 });
  assert.equal(await drain(await kubeGet('/api/v1/pods')), 503);

  await standIns.setFault('kubernetes', undefined);
  assert.equal(await drain(await kubeGet('/api/v1/pods')), 200);
});

test('GitHub: 5xx, primary and secondary rate limits while set, deployments after', async () => {
  const { apiBaseUrl, token } = standIns.configLayer.integrations.github[0];
  const deployments = () =>
    fetch(
      `${apiBaseUrl}/repos/fernhill/paved/deployments?environment=production`,
      {
        headers: { authorization: `token ${token}` },
      },
    );
  const listed = await deployments();
  assert.equal(listed.status, 200);
  assert.equal((await listed.json()).length, 4);

  await standIns.setFault('github', { kind: 'error' });
  assert.equal((await deployments()).status, 502);

  await standIns.setFault('github', { kind: 'rate-limit', resetInSeconds: 60 });
  const limited = await deployments();
  assert.equal(limited.status, 403);
  assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
  assert.ok(
    Number(limited.headers.get('x-ratelimit-reset')) > Date.now() / 1000,
  );

  await standIns.setFault('github', {
    kind: 'secondary-rate-limit',
    status: 429,
    retryAfterSeconds: 5,
  });
  const tooMany = await deployments();
  assert.equal(tooMany.status, 429);
  assert.equal(tooMany.headers.get('retry-after'), '5');

  await standIns.setFault('github', undefined);
  assert.equal((await deployments()).status, 200);
});

test('a fault the stand-in does not know is refused', async () => {
  await assert.rejects(
    standIns.setFault('opencost', { kind: 'drop-watches' }),
    /answered 400/,
  );
});

test('stop ends every stand-in process', async () => {
  const { pids } = standIns;
  assert.equal(pids.length, 3);
  await standIns.stop();
  for (const pid of pids) {
    assert.throws(() => process.kill(/** @type {number} */ (pid), 0), {
      code: 'ESRCH',
    });
  }
});
