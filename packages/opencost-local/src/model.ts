import type { ScenarioCluster } from './scenario';

/**
 * The cost model of the stand-in: one allocation per pod and UTC day,
 * generated deterministically from (cluster, workload, day), plus the idle
 * capacity of each cluster. Prices are OpenCost's default custom pricing.
 */

export const DAY_MS = 86_400_000;
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** OpenCost's default (custom provider) prices, USD. */
export const PRICES = {
  cpuCoreHour: 0.031611,
  ramGibHour: 0.004237,
  gpuHour: 0.95,
  storageGibHour: 0.04 / 730,
  networkGib: 0.01,
  loadBalancerHour: 0.025,
};

const NODE_CORES = 8;
const NODE_RAM_GIB = 32;

export interface AllocationProperties {
  cluster?: string;
  node?: string;
  container?: string;
  controller?: string;
  controllerKind?: string;
  namespace?: string;
  pod?: string;
  labels?: Record<string, string>;
  namespaceLabels?: Record<string, string>;
}

/** Quantities that add up across pods and across time. */
export interface Quantities {
  cpuCoreRequestMinutes: number;
  cpuCoreUsageMinutes: number;
  cpuCoreHours: number;
  cpuCost: number;
  gpuHours: number;
  gpuCost: number;
  networkTransferBytes: number;
  networkReceiveBytes: number;
  networkCost: number;
  loadBalancerCost: number;
  pvByteHours: number;
  pvCost: number;
  ramByteRequestMinutes: number;
  ramByteUsageMinutes: number;
  ramByteHours: number;
  ramCost: number;
  sharedCost: number;
  externalCost: number;
}

export const QUANTITY_KEYS = [
  'cpuCoreRequestMinutes',
  'cpuCoreUsageMinutes',
  'cpuCoreHours',
  'cpuCost',
  'gpuHours',
  'gpuCost',
  'networkTransferBytes',
  'networkReceiveBytes',
  'networkCost',
  'loadBalancerCost',
  'pvByteHours',
  'pvCost',
  'ramByteRequestMinutes',
  'ramByteUsageMinutes',
  'ramByteHours',
  'ramCost',
  'sharedCost',
  'externalCost',
] as const satisfies ReadonlyArray<keyof Quantities>;

export function zeroQuantities(): Quantities {
  const q = {} as Quantities;
  for (const k of QUANTITY_KEYS) q[k] = 0;
  return q;
}

export interface RawAllocation {
  properties: AllocationProperties;
  /** Epoch ms; the data covers [start, end). */
  start: number;
  end: number;
  idle: boolean;
  quantities: Quantities;
}

/** FNV-1a: a stable number in [0, 1) for a key. */
export function unitHash(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('|')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Murmur3's finaliser, so keys differing in one character spread apart.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

function shortId(length: number, ...parts: Array<string | number>): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < length; i++) {
    out += alphabet[Math.floor(unitHash(...parts, i) * alphabet.length)];
  }
  return out;
}

/**
 * Prometheus label-name sanitising, which OpenCost's labels go through.
 * Written here again on purpose (`@paved/label-selectors` matches these
 * names too): the stand-in plays OpenCost for the cost plugin's checks, so
 * it must not share the code it checks.
 */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

function sanitizeLabels(labels: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(labels).map(([k, v]) => [sanitizeLabelName(k), v]),
  );
}

/** One controller (or bare pod) and how its pods use resources. */
interface Workload {
  namespace: string;
  controller?: string;
  controllerKind?: string;
  labels: Record<string, string>;
  pods: number;
  cpuCores: number;
  ramBytes: number;
  cpuUsage: number;
  ramUsage: number;
  gpus: number;
  pvGib: number;
  loadBalancers: number;
  networkGib: number;
}

const CPU_SIZES = [0.5, 1, 1, 1.5, 2];
const RAM_SIZES_GIB = [1, 2, 2, 4, 6];
/** Stateful services keep data on persistent volumes (GiB per pod). */
const VOLUMES: Record<string, number> = {
  'orders-service': 20,
  'inventory-service': 10,
  'search-service': 50,
  'order-events-ingestor': 100,
};
const GPU_WORKLOADS = new Set(['demand-forecasting']);
const PUBLIC_SERVICES = new Set(['storefront-web', 'payments-gateway']);

function isWeekend(dayStart: number) {
  const wd = new Date(dayStart).getUTCDay();
  return wd === 0 || wd === 6;
}

export interface ModelOptions {
  /** The UTC day (epoch ms of 00:00) with a cost spike on one service. */
  spikeDay: number;
  /** The service (kubernetes id, production) that spikes. */
  spikeService: string;
  /** The UTC day the stand-in started: where a workload's growth ends. */
  today: number;
}

/** How long a workload's `costGrowth` takes to build up, ending today. */
export const GROWTH_DAYS = 56;

/**
 * How much larger a workload's resource requests are on a day than before
 * its growth began: `costGrowth` spread evenly over the last GROWTH_DAYS.
 */
function growthOn(
  costGrowth: number | undefined,
  dayStart: number,
  today: number,
): number {
  if (!costGrowth) return 1;
  const begun = (dayStart - (today - GROWTH_DAYS * DAY_MS)) / DAY_MS;
  return 1 + costGrowth * Math.min(1, Math.max(0, begun / GROWTH_DAYS));
}

function scenarioWorkloads(
  cluster: ScenarioCluster,
  dayStart: number,
  options: ModelOptions,
): Workload[] {
  const weekend = isWeekend(dayStart);
  const out: Workload[] = [];
  for (const env of cluster.environments ?? []) {
    const production = env.name === 'production';
    for (const w of env.workloads ?? []) {
      const daily = unitHash(cluster.name, env.name, w.id, dayStart);
      let pods = w.replicas;
      if (w.hpa && production && !weekend) {
        // Autoscaled services run more pods on busy weekdays.
        pods = Math.min(w.hpa[1], w.replicas + Math.floor(daily * 3));
      }
      if (!production && weekend) pods = Math.max(1, Math.floor(pods / 2));
      let load = (weekend ? 0.65 : 1) * (0.85 + 0.3 * daily);
      if (w.state === 'crashloop') load *= 0.1;
      const spike =
        production &&
        w.id === options.spikeService &&
        dayStart === options.spikeDay;
      // A bad release doubled the requests and the autoscaler ran to its
      // maximum; reverted the next day.
      const spikeFactor = spike ? 2 : 1;
      if (spike) {
        pods = Math.max(w.hpa?.[1] ?? 0, w.replicas * 4);
        load = 3;
      }
      // Requests raised step by step (after each OOMKill, say) grow the
      // cost while the service does no more than before.
      const growth = production
        ? growthOn(w.costGrowth, dayStart, options.today)
        : 1;
      const cpuCores =
        CPU_SIZES[Math.floor(unitHash(w.id, 'cpu') * 5)] * spikeFactor * growth;
      const ramGib =
        RAM_SIZES_GIB[Math.floor(unitHash(w.id, 'ram') * 5)] * growth;
      const cpuEff = 0.2 + 0.55 * unitHash(w.id, 'cpu-eff');
      const ramEff = 0.35 + 0.5 * unitHash(w.id, 'ram-eff');
      out.push({
        namespace: `${w.team}${env.namespaceSuffix ?? ''}`,
        controller: w.id,
        controllerKind: 'deployment',
        labels: {
          app: w.id,
          'app.kubernetes.io/part-of': w.team,
          'paved.dev/environment': env.name,
        },
        pods,
        cpuCores,
        ramBytes: ramGib * GIB,
        cpuUsage: Math.min(cpuCores * 0.98, cpuCores * cpuEff * load),
        ramUsage: Math.min(
          ramGib * GIB,
          ramGib * GIB * ramEff * Math.sqrt(load),
        ),
        // Training runs on a GPU about 8 hours a weekday.
        gpus: GPU_WORKLOADS.has(w.id) && !weekend ? 1 / 3 : 0,
        pvGib: VOLUMES[w.id] ?? 0,
        loadBalancers: production && PUBLIC_SERVICES.has(w.id) ? 1 : 0,
        networkGib: (production ? 4 : 0.5) * load * (1 + unitHash(w.id, 'net')),
      });
    }
  }
  return out;
}

/** Platform workloads every cluster runs; none has an `app` label of a component. */
function platformWorkloads(
  cluster: ScenarioCluster,
  production: boolean,
): Workload[] {
  const nodes = cluster.nodes ?? 3;
  const base = {
    gpus: 0,
    pvGib: 0,
    loadBalancers: 0,
    networkGib: 0.2,
  };
  const list: Workload[] = [
    {
      ...base,
      namespace: 'kube-system',
      controller: 'coredns',
      controllerKind: 'deployment',
      labels: { 'k8s-app': 'kube-dns' },
      pods: 2,
      cpuCores: 0.1,
      ramBytes: 70 * MIB,
      cpuUsage: 0.02,
      ramUsage: 40 * MIB,
    },
    {
      ...base,
      namespace: 'kube-system',
      controller: 'kube-proxy',
      controllerKind: 'daemonset',
      labels: { 'k8s-app': 'kube-proxy' },
      pods: nodes,
      cpuCores: 0.1,
      ramBytes: 128 * MIB,
      cpuUsage: 0.01,
      ramUsage: 30 * MIB,
    },
    {
      ...base,
      namespace: 'kube-system',
      controller: 'metrics-server',
      controllerKind: 'deployment',
      labels: { 'k8s-app': 'metrics-server' },
      pods: 1,
      cpuCores: 0.1,
      ramBytes: 200 * MIB,
      cpuUsage: 0.03,
      ramUsage: 60 * MIB,
    },
    {
      ...base,
      namespace: 'opencost',
      controller: 'opencost',
      controllerKind: 'deployment',
      labels: { app: 'opencost' },
      pods: 1,
      cpuCores: 0.25,
      ramBytes: 512 * MIB,
      cpuUsage: 0.05,
      ramUsage: 300 * MIB,
    },
  ];
  if (production) {
    // Nobody labelled it: its cost stays unattributed.
    list.push({
      ...base,
      namespace: 'default',
      controller: 'legacy-reporting',
      controllerKind: 'deployment',
      labels: { run: 'legacy-reporting' },
      pods: 1,
      cpuCores: 0.5,
      ramBytes: 1 * GIB,
      cpuUsage: 0.12,
      ramUsage: 0.6 * GIB,
    });
  } else {
    // A bare pod someone started by hand: no controller, no labels.
    list.push({
      ...base,
      namespace: 'default',
      labels: {},
      pods: 1,
      cpuCores: 0.5,
      ramBytes: 512 * MIB,
      cpuUsage: 0.01,
      ramUsage: 50 * MIB,
    });
  }
  return list;
}

function nodeName(cluster: string, index: number) {
  return `${cluster}-node-${index + 1}`;
}

/**
 * The allocations of one cluster for one UTC day, clipped to [dayStart,
 * until): one per pod (container), plus one idle allocation for the
 * capacity nobody requested. Empty when `until` is not after `dayStart`.
 */
export function dayAllocations(
  cluster: ScenarioCluster,
  dayStart: number,
  until: number,
  options: ModelOptions,
): RawAllocation[] {
  const end = Math.min(dayStart + DAY_MS, until);
  if (end <= dayStart) return [];
  const minutes = (end - dayStart) / 60_000;
  const hours = minutes / 60;
  const nodes = cluster.nodes ?? 3;
  const production = (cluster.environments ?? []).some(
    e => e.name === 'production',
  );
  const workloads = [
    ...scenarioWorkloads(cluster, dayStart, options),
    ...platformWorkloads(cluster, production),
  ];
  const allocations: RawAllocation[] = [];
  let requestedCoreHours = 0;
  let requestedRamByteHours = 0;
  for (const w of workloads) {
    for (let i = 0; i < w.pods; i++) {
      const name = w.controller
        ? `${w.controller}-${
            w.controllerKind === 'daemonset'
              ? ''
              : `${shortId(9, w.controller)}-`
          }${shortId(5, w.controller, i)}`
        : `debug-shell-${shortId(5, cluster.name)}`;
      const container = w.controller ?? 'shell';
      const node = nodeName(
        cluster.name,
        w.controllerKind === 'daemonset'
          ? i
          : Math.floor(unitHash(cluster.name, name) * nodes),
      );
      const jitter = 0.9 + 0.2 * unitHash(cluster.name, name, dayStart);
      const cpuUsage = Math.min(w.cpuCores, w.cpuUsage * jitter);
      const ramUsage = Math.min(w.ramBytes, w.ramUsage * jitter);
      const q = zeroQuantities();
      q.cpuCoreRequestMinutes = w.cpuCores * minutes;
      q.cpuCoreUsageMinutes = cpuUsage * minutes;
      // OpenCost charges the larger of request and usage.
      q.cpuCoreHours = Math.max(w.cpuCores, cpuUsage) * hours;
      q.cpuCost = q.cpuCoreHours * PRICES.cpuCoreHour;
      q.ramByteRequestMinutes = w.ramBytes * minutes;
      q.ramByteUsageMinutes = ramUsage * minutes;
      q.ramByteHours = Math.max(w.ramBytes, ramUsage) * hours;
      q.ramCost = (q.ramByteHours / GIB) * PRICES.ramGibHour;
      q.gpuHours = w.gpus * hours;
      q.gpuCost = q.gpuHours * PRICES.gpuHour;
      q.pvByteHours = w.pvGib * GIB * hours;
      q.pvCost = w.pvGib * hours * PRICES.storageGibHour;
      q.loadBalancerCost =
        (w.loadBalancers * hours * PRICES.loadBalancerHour) / w.pods;
      const transferGib = (w.networkGib * jitter * hours) / 24;
      q.networkTransferBytes = transferGib * GIB;
      q.networkReceiveBytes = transferGib * 1.7 * GIB;
      q.networkCost = transferGib * PRICES.networkGib;
      requestedCoreHours += q.cpuCoreHours;
      requestedRamByteHours += q.ramByteHours;
      allocations.push({
        properties: {
          cluster: cluster.name,
          node,
          container,
          ...(w.controller
            ? { controller: w.controller, controllerKind: w.controllerKind }
            : {}),
          namespace: w.namespace,
          pod: name,
          // OpenCost omits empty label maps.
          ...(Object.keys(w.labels).length
            ? { labels: sanitizeLabels(w.labels) }
            : {}),
          namespaceLabels: sanitizeLabels({
            'kubernetes.io/metadata.name': w.namespace,
          }),
        },
        start: dayStart,
        end,
        idle: false,
        quantities: q,
      });
    }
  }
  // Capacity is the nodes; a busy day never exceeds it (the autoscaler adds nodes).
  const capacityCoreHours = Math.max(
    nodes * NODE_CORES * hours,
    requestedCoreHours * 1.2,
  );
  const capacityRamByteHours = Math.max(
    nodes * NODE_RAM_GIB * GIB * hours,
    requestedRamByteHours * 1.2,
  );
  const idle = zeroQuantities();
  idle.cpuCoreHours = capacityCoreHours - requestedCoreHours;
  idle.cpuCost = idle.cpuCoreHours * PRICES.cpuCoreHour;
  idle.ramByteHours = capacityRamByteHours - requestedRamByteHours;
  idle.ramCost = (idle.ramByteHours / GIB) * PRICES.ramGibHour;
  allocations.push({
    properties: { cluster: cluster.name },
    start: dayStart,
    end,
    idle: true,
    quantities: idle,
  });
  return allocations;
}
