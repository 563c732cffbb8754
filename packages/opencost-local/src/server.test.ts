import { LocalOpenCost, RunningOpenCost } from './server';
import { isLoopback } from './faults';
import { loadScenario } from './scenario';

// Thursday afternoon; 2026-11-21/22 are the weekend, 2026-11-23 the spike.
const NOW = new Date('2026-11-26T15:00:00Z');
const WORKLOAD_KEY =
  'eu-west-prod/checkout/deployment/deployment:checkout-service';
const BY_CONTROLLER = 'cluster,namespace,controllerKind,controller';

const day = (d: string) => `${d}T00:00:00Z`;
const windowOf = (from: string, to: string) => `${day(from)},${day(to)}`;

describe('LocalOpenCost', () => {
  let server: RunningOpenCost;
  const scenario = loadScenario();

  beforeAll(async () => {
    server = await LocalOpenCost.start({ scenario, now: () => NOW });
  });
  afterAll(() => server.stop());

  async function get(path: string, params: Record<string, string>) {
    const res = await fetch(
      `${server.url}${path}?${new URLSearchParams(params)}`,
    );
    const text = await res.text();
    // Response JSON (or text), asserted field by field in the tests.
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body };
  }

  async function sets(path: string, params: Record<string, string>) {
    const { status, body } = await get(path, params);
    expect(status).toBe(200);
    expect(body).toMatchObject({ code: 200, status: 'success' });
    // Allocation JSON, asserted field by field in the tests.
    return body.data as Array<Record<string, any>>;
  }

  it('answers with OpenCost field names, per controller, with idle', async () => {
    const [set] = await sets('/eu-west-prod/allocation', {
      window: windowOf('2026-11-25', '2026-11-26'),
      aggregate: BY_CONTROLLER,
      includeIdle: 'true',
      includeAggregatedMetadata: 'true',
    });
    const a = set[WORKLOAD_KEY];
    expect(a.name).toBe(WORKLOAD_KEY);
    expect(a.properties).toMatchObject({
      cluster: 'eu-west-prod',
      namespace: 'checkout',
      controller: 'checkout-service',
      controllerKind: 'deployment',
      // OpenCost's labels come through Prometheus: names sanitised.
      labels: {
        app: 'checkout-service',
        app_kubernetes_io_part_of: 'checkout',
        paved_dev_environment: 'production',
      },
    });
    expect(a.window).toEqual({
      start: '2026-11-25T00:00:00Z',
      end: '2026-11-26T00:00:00Z',
    });
    expect(a.start).toBe('2026-11-25T00:00:00Z');
    expect(a.minutes).toBe(1440);
    for (const field of [
      'cpuCores',
      'cpuCoreRequestAverage',
      'cpuCoreUsageAverage',
      'cpuCoreHours',
      'cpuCost',
      'cpuCostAdjustment',
      'cpuEfficiency',
      'gpuCount',
      'gpuHours',
      'gpuCost',
      'networkTransferBytes',
      'networkReceiveBytes',
      'networkCost',
      'loadBalancerCost',
      'pvBytes',
      'pvByteHours',
      'pvCost',
      'ramBytes',
      'ramByteRequestAverage',
      'ramByteUsageAverage',
      'ramByteHours',
      'ramCost',
      'ramEfficiency',
      'sharedCost',
      'externalCost',
      'totalCost',
      'totalEfficiency',
    ]) {
      expect(typeof a[field]).toBe('number');
    }
    expect(a.cpuCost).toBeGreaterThan(0);
    expect(a.cpuEfficiency).toBeGreaterThan(0);
    expect(a.cpuEfficiency).toBeLessThanOrEqual(1);
    expect(a.totalCost).toBeCloseTo(
      a.cpuCost +
        a.gpuCost +
        a.ramCost +
        a.pvCost +
        a.networkCost +
        a.loadBalancerCost +
        a.sharedCost +
        a.externalCost,
      4,
    );
    expect(set.__idle__.properties).toEqual({ cluster: 'eu-west-prod' });
    expect(set.__idle__.cpuCost).toBeGreaterThan(0);
    // Shared platform and an unlabelled workload.
    expect(
      set['eu-west-prod/kube-system/daemonset/daemonset:kube-proxy'],
    ).toBeDefined();
    expect(
      set['eu-west-prod/default/deployment/deployment:legacy-reporting']
        .properties.labels,
    ).toEqual({ run: 'legacy-reporting' });
    // Only this cluster.
    expect(Object.keys(set).some(k => k.startsWith('eu-west-nonprod/'))).toBe(
      false,
    );
  });

  it('drops labels of merged pods unless asked for aggregated metadata', async () => {
    const [set] = await sets('/eu-west-prod/allocation', {
      window: windowOf('2026-11-25', '2026-11-26'),
      aggregate: BY_CONTROLLER,
    });
    // Three pods merged: OpenCost keeps only what all share, without labels.
    expect(set[WORKLOAD_KEY].properties).toEqual({
      cluster: 'eu-west-prod',
      namespace: 'checkout',
      controller: 'checkout-service',
      controllerKind: 'deployment',
      container: 'checkout-service',
      namespaceLabels: { kubernetes_io_metadata_name: 'checkout' },
    });
    // One pod: nothing merged, its labels stay.
    expect(
      set['eu-west-prod/checkout/deployment/deployment:voucher-service']
        .properties.labels,
    ).toMatchObject({ app: 'voucher-service' });
  });

  it('keys pods without a controller or label as __unallocated__', async () => {
    const [byController] = await sets('/eu-west-nonprod/allocation', {
      window: windowOf('2026-11-25', '2026-11-26'),
      aggregate: BY_CONTROLLER,
    });
    expect(
      byController['eu-west-nonprod/default/__unallocated__/__unallocated__'],
    ).toBeDefined();
    expect(byController.__idle__).toBeUndefined();

    const [byApp] = await sets('/eu-west-nonprod/allocation', {
      window: windowOf('2026-11-25', '2026-11-26'),
      aggregate: 'label:app',
    });
    expect(Object.keys(byApp)).toEqual(
      expect.arrayContaining([
        'checkout-service',
        'opencost',
        '__unallocated__',
      ]),
    );
    const [byTeam] = await sets('/eu-west-nonprod/allocation', {
      window: windowOf('2026-11-25', '2026-11-26'),
      aggregate: 'label:app.kubernetes.io/part-of',
    });
    expect(Object.keys(byTeam)).toEqual(
      expect.arrayContaining(['checkout', 'storefront', '__unallocated__']),
    );
    const [byNamespace] = await sets('/eu-west-nonprod/allocation', {
      window: windowOf('2026-11-25', '2026-11-26'),
      aggregate: 'namespace',
    });
    expect(Object.keys(byNamespace)).toEqual(
      expect.arrayContaining([
        'checkout-staging',
        'checkout-dev',
        'kube-system',
      ]),
    );
  });

  it('returns one set per step, and their sum when accumulating', async () => {
    const params = {
      window: windowOf('2026-11-20', '2026-11-23'),
      aggregate: BY_CONTROLLER,
      step: '1d',
      includeIdle: 'true',
    };
    const daily = await sets('/eu-west-prod/allocation', params);
    expect(daily.map(s => s[WORKLOAD_KEY].window.start)).toEqual([
      day('2026-11-20'),
      day('2026-11-21'),
      day('2026-11-22'),
    ]);
    const [total] = await sets('/eu-west-prod/allocation', {
      ...params,
      accumulate: 'true',
    });
    expect(total[WORKLOAD_KEY].window).toEqual({
      start: day('2026-11-20'),
      end: day('2026-11-23'),
    });
    expect(total[WORKLOAD_KEY].minutes).toBe(3 * 1440);
    expect(total[WORKLOAD_KEY].totalCost).toBeCloseTo(
      daily.reduce((s, d) => s + d[WORKLOAD_KEY].totalCost, 0),
      3,
    );
    expect(total.__idle__.totalCost).toBeCloseTo(
      daily.reduce((s, d) => s + d.__idle__.totalCost, 0),
      3,
    );
  });

  it('shares idle over the workloads without losing any of it', async () => {
    const params = {
      window: windowOf('2026-11-25', '2026-11-26'),
      aggregate: 'cluster',
      includeIdle: 'true',
    };
    const [separate] = await sets('/eu-west-prod/allocation', params);
    const [shared] = await sets('/eu-west-prod/allocation', {
      ...params,
      shareIdle: 'true',
      idleByNode: 'true',
    });
    expect(shared.__idle__).toBeUndefined();
    expect(shared['eu-west-prod'].totalCost).toBeCloseTo(
      separate['eu-west-prod'].totalCost + separate.__idle__.totalCost,
      3,
    );
  });

  it('serves every cluster at the root, with one combined __idle__', async () => {
    const [set] = await sets('/allocation', {
      window: windowOf('2026-11-25', '2026-11-26'),
      aggregate: 'cluster',
      includeIdle: 'true',
    });
    expect(Object.keys(set).sort()).toEqual(
      ['__idle__', 'eu-west-nonprod', 'eu-west-prod'].sort(),
    );
    expect(set.__idle__.properties.cluster).toBeUndefined();
  });

  it('is deterministic per cluster, workload and day', async () => {
    const params = {
      window: windowOf('2026-11-01', '2026-11-10'),
      aggregate: BY_CONTROLLER,
      step: '1d',
      includeIdle: 'true',
    };
    const first = await sets('/eu-west-prod/allocation', params);
    const other = await LocalOpenCost.start({ scenario, now: () => NOW });
    try {
      const res = await fetch(
        `${other.url}/eu-west-prod/allocation?${new URLSearchParams(params)}`,
      );
      expect((await res.json()).data).toEqual(first);
    } finally {
      await other.stop();
    }
    // ... and not the same number every day.
    const costs = new Set(first.map(s => s[WORKLOAD_KEY].totalCost));
    expect(costs.size).toBeGreaterThan(5);
  });

  it('costs less at the weekend and spikes on one service a few days ago', async () => {
    const daily = await sets('/eu-west-prod/allocation', {
      window: windowOf('2026-11-12', '2026-11-26'),
      aggregate: 'label:app',
      step: '1d',
    });
    const cost = (d: string, app: string) =>
      daily.find(s => s[app]?.window.start === day(d))![app].totalCost;
    expect(cost('2026-11-21', 'storefront-web')).toBeLessThan(
      cost('2026-11-25', 'storefront-web'),
    );
    const catalog = daily.map(s => s['product-catalog-service'].totalCost);
    const spike = cost('2026-11-23', 'product-catalog-service');
    const others = catalog.filter(c => c !== spike);
    expect(spike).toBeGreaterThan(2 * Math.max(...others));
  });

  it('grows the cost of a workload with costGrowth over the last eight weeks, and no other', async () => {
    const monthOf = async (from: string, to: string) => {
      const [month] = await sets('/eu-west-prod/allocation', {
        window: windowOf(from, to),
        aggregate: 'label:app',
      });
      return (app: string) => month[app].totalCost as number;
    };
    // delivery-routing: costGrowth 1.5 in the scenario.
    const before = await monthOf('2026-08-27', '2026-09-26');
    const previous = await monthOf('2026-09-26', '2026-10-26');
    const last = await monthOf('2026-10-26', '2026-11-25');
    expect(previous('delivery-routing')).toBeGreaterThan(
      1.1 * before('delivery-routing'),
    );
    expect(last('delivery-routing')).toBeGreaterThan(
      1.5 * previous('delivery-routing'),
    );
    const steady = last('driver-app-bff') / previous('driver-app-bff');
    expect(steady).toBeGreaterThan(0.9);
    expect(steady).toBeLessThan(1.1);
  });

  it('reports today up to now, and nothing before the history starts', async () => {
    const [today] = await sets('/eu-west-prod/allocation', {
      window: 'today',
      aggregate: BY_CONTROLLER,
    });
    expect(today[WORKLOAD_KEY].window).toEqual({
      start: day('2026-11-26'),
      end: day('2026-11-27'),
    });
    expect(today[WORKLOAD_KEY].end).toBe('2026-11-26T15:00:00Z');
    expect(today[WORKLOAD_KEY].minutes).toBe(15 * 60);

    const week = await sets('/eu-west-prod/allocation', {
      window: '7d',
      aggregate: 'cluster',
      step: '1d',
    });
    expect(week).toHaveLength(7);
    expect(week[0]['eu-west-prod'].window.start).toBe(day('2026-11-20'));
    expect(week[6]['eu-west-prod'].window.end).toBe(day('2026-11-27'));

    const [yesterday] = await sets('/eu-west-prod/allocation', {
      window: 'yesterday',
      aggregate: 'cluster',
    });
    expect(yesterday['eu-west-prod'].window.start).toBe(day('2026-11-25'));

    const ancient = await sets('/eu-west-prod/allocation', {
      window: windowOf('2020-01-01', '2020-01-03'),
      aggregate: 'cluster',
      step: '1d',
    });
    expect(ancient).toEqual([{}, {}]);
  });

  it('answers the paths OpenCost and its UI proxy answer', async () => {
    const params = { window: 'yesterday', aggregate: 'namespace' };
    const base = await sets('/eu-west-prod/allocation', params);
    expect(await sets('/eu-west-prod/allocation/compute', params)).toEqual(
      base,
    );
    expect(await sets('/eu-west-prod/model/allocation', params)).toEqual(base);
    expect((await get('/eu-west-prod/assetz', params)).status).toBe(404);
  });

  it('rejects bad parameters as OpenCost does', async () => {
    const badWindow = await get('/allocation', { window: 'last-tuesday' });
    expect(badWindow.status).toBe(400);
    expect(badWindow.body).toContain("Invalid 'window' parameter");

    const noWindow = await get('/allocation', {});
    expect(noWindow.status).toBe(400);

    const badAggregate = await get('/allocation', {
      window: 'yesterday',
      aggregate: 'namespace,flavour',
    });
    expect(badAggregate.status).toBe(400);
    expect(badAggregate.body).toContain('invalid allocation property: flavour');

    const badRequest = await get('/allocation', {
      window: 'yesterday',
      includeProportionalAssetResourceCosts: 'true',
    });
    expect(badRequest.status).toBe(400);
    expect(badRequest.body).toMatchObject({
      code: 400,
      message: expect.stringContaining('includeIdle must be set true'),
    });

    const backwards = await get('/allocation', {
      window: windowOf('2026-11-05', '2026-11-01'),
    });
    expect(backwards.status).toBe(500);
    expect(backwards.body.message).toContain('illegal window');
  });

  it('requires the bearer token when one is configured', async () => {
    const guarded = await LocalOpenCost.start({
      scenario,
      now: () => NOW,
      token: 'local-secret',
    });
    try {
      const url = `${guarded.clusterUrls['eu-west-prod']}/allocation?window=yesterday`;
      expect((await fetch(url)).status).toBe(401);
      const ok = await fetch(url, {
        headers: { authorization: 'Bearer local-secret' },
      });
      expect(ok.status).toBe(200);
    } finally {
      await guarded.stop();
    }
  });
});

describe('LocalOpenCost fault switch', () => {
  const scenario = loadScenario();
  const ADMIN = 'admin-secret';
  let server: RunningOpenCost;

  beforeEach(async () => {
    server = await LocalOpenCost.start({
      scenario,
      now: () => NOW,
      adminToken: ADMIN,
    });
  });
  afterEach(() => server.stop());

  const allocation = () =>
    `${server.clusterUrls['eu-west-prod']}/allocation?window=yesterday&aggregate=namespace`;
  const faultSwitch = (method: string, body?: object, token = ADMIN) =>
    fetch(`${server.url}/__stand-in/fault`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        'content-type': 'application/json',
      },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('answers 500s with OpenCost error bodies while the error fault is set, then answers again', async () => {
    const set = await faultSwitch('PUT', { kind: 'error' });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ fault: { kind: 'error' } });

    const failed = await fetch(allocation());
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({
      code: 500,
      data: null,
      message: expect.stringContaining('Error:'),
    });

    await faultSwitch('PUT', { kind: 'error', status: 503 });
    expect((await fetch(allocation())).status).toBe(503);
    expect(await (await faultSwitch('GET')).json()).toEqual({
      fault: { kind: 'error', status: 503 },
    });

    const cleared = await faultSwitch('DELETE');
    expect(await cleared.json()).toEqual({ fault: null });
    const ok = await fetch(allocation());
    expect(ok.status).toBe(200);
    expect((await ok.json()).data[0].checkout.totalCost).toBeGreaterThan(0);
  });

  it('holds requests unanswered under the timeout fault until the client gives up', async () => {
    server.setFault({ kind: 'timeout' });
    expect(server.fault).toEqual({ kind: 'timeout' });
    const started = Date.now();
    await expect(
      fetch(allocation(), { signal: AbortSignal.timeout(500) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);

    server.setFault(undefined);
    const ok = await fetch(allocation(), { signal: AbortSignal.timeout(5000) });
    expect(ok.status).toBe(200);
  });

  it('stops at once with requests still held, and drops them after maxHangMs', async () => {
    const bounded = await LocalOpenCost.start({
      scenario,
      now: () => NOW,
      maxHangMs: 300,
    });
    bounded.setFault({ kind: 'timeout' });
    const url = `${bounded.url}/allocation?window=yesterday`;
    // Dropped unanswered after 300 ms: the client sees the socket close.
    await expect(fetch(url)).rejects.toThrow();

    const held = fetch(url).then(
      () => 'answered',
      () => 'dropped',
    );
    await new Promise(r => setTimeout(r, 100));
    const stopping = Date.now();
    await bounded.stop();
    expect(Date.now() - stopping).toBeLessThan(1000);
    expect(await held).toBe('dropped');
  });

  it('refuses the switch without the admin token, and has none without one', async () => {
    expect((await faultSwitch('PUT', { kind: 'error' }, '')).status).toBe(401);
    expect((await faultSwitch('PUT', { kind: 'error' }, 'wrong')).status).toBe(
      401,
    );
    expect((await fetch(allocation())).status).toBe(200);
    const bad = await faultSwitch('PUT', { kind: 'explode' });
    expect(bad.status).toBe(400);
    expect(
      (await faultSwitch('PUT', { kind: 'error', status: 200 })).status,
    ).toBe(400);

    const plain = await LocalOpenCost.start({ scenario, now: () => NOW });
    try {
      const res = await fetch(`${plain.url}/__stand-in/fault`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({ kind: 'error' }),
      });
      expect(res.status).toBe(404);
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
    expect(isLoopback('fe80::1')).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });
});
