import {
  AllocationProperties,
  DAY_MS,
  ModelOptions,
  QUANTITY_KEYS,
  Quantities,
  RawAllocation,
  dayAllocations,
  sanitizeLabelName,
  zeroQuantities,
} from './model';
import { OpenCostHttpError, openCostError } from './errors';
import type { ScenarioCluster } from './scenario';
import { Window, goTime, rfc3339 } from './window';

/**
 * OpenCost's allocation query, as the real `ComputeAllocationHandler` and
 * `AllocationSet.AggregateBy` do it: step sets from the window start,
 * aggregation keys joined with `/`, `__unallocated__` for a missing
 * property, one combined `__idle__`, properties intersected when
 * allocations merge, numbers rounded to 5 decimals.
 */

export const IDLE = '__idle__';
export const UNALLOCATED = '__unallocated__';
const MAX_STEPS = 5000;

const PROPERTIES = new Set([
  'cluster',
  'node',
  'container',
  'controller',
  'controllerkind',
  'namespace',
  'pod',
  'deployment',
  'statefulset',
  'daemonset',
  'job',
]);

/** The `aggregate` list, validated as OpenCost's `ParseProperty` does. */
export function parseAggregate(text: string | null): string[] {
  if (!text) return [];
  const props: string[] = [];
  for (const raw of text.split(',')) {
    const p = raw.trim();
    let prop: string;
    if (PROPERTIES.has(p.toLowerCase())) {
      prop =
        p.toLowerCase() === 'controllerkind'
          ? 'controllerKind'
          : p.toLowerCase();
    } else if (p.startsWith('label:')) {
      prop = `label:${sanitizeLabelName(p.slice('label:'.length).trim())}`;
    } else {
      throw new OpenCostHttpError(
        400,
        `Invalid 'aggregate' parameter: Failed to parse property: invalid allocation property: ${p}\n`,
      );
    }
    if (!props.includes(prop)) props.push(prop);
  }
  return props;
}

/** The name an allocation is aggregated under (`GenerateKey`). */
export function allocationKey(p: AllocationProperties, aggregate: string[]) {
  if (aggregate.length === 0) {
    return [p.cluster, p.node, p.namespace, p.pod, p.container].join('/');
  }
  return aggregate
    .map(agg => {
      switch (agg) {
        case 'cluster':
          return p.cluster ?? '';
        case 'node':
          return p.node ?? '';
        case 'namespace':
          return p.namespace ?? '';
        case 'pod':
          return p.pod ?? '';
        case 'container':
          return p.container ?? '';
        case 'controllerKind':
          return p.controllerKind || UNALLOCATED;
        case 'controller':
          if (!p.controller) return UNALLOCATED;
          return p.controllerKind
            ? `${p.controllerKind}:${p.controller}`
            : p.controller;
        case 'deployment':
        case 'statefulset':
        case 'daemonset':
        case 'job':
          return p.controllerKind === agg && p.controller
            ? p.controller
            : UNALLOCATED;
        default: {
          const label = agg.slice('label:'.length);
          return p.labels?.[label] ?? UNALLOCATED;
        }
      }
    })
    .join('/');
}

/**
 * What is left of two allocations' properties when they merge
 * (`AllocationProperties.Intersection`): labels survive only with
 * `includeAggregatedMetadata=true`, namespace labels with the namespace.
 */
function intersect(
  a: AllocationProperties,
  b: AllocationProperties,
  aggregatedMetadata: boolean,
): AllocationProperties {
  const out: AllocationProperties = {};
  for (const k of [
    'cluster',
    'node',
    'container',
    'controller',
    'controllerKind',
    'namespace',
    'pod',
  ] as const) {
    if (a[k] !== undefined && a[k] === b[k]) out[k] = a[k];
  }
  if (out.namespace !== undefined && a.namespaceLabels) {
    out.namespaceLabels = { ...a.namespaceLabels };
  }
  if (out.namespace !== undefined && aggregatedMetadata) {
    const common = Object.entries(a.labels ?? {}).filter(
      ([name, value]) => b.labels?.[name] === value,
    );
    if (common.length) out.labels = Object.fromEntries(common);
  }
  return out;
}

interface Aggregated {
  name: string;
  properties: AllocationProperties;
  start: number;
  end: number;
  quantities: Quantities;
}

type AllocationSet = Map<string, Aggregated>;

function insert(
  set: AllocationSet,
  name: string,
  a: Omit<Aggregated, 'name'>,
  aggregatedMetadata: boolean,
) {
  const existing = set.get(name);
  if (!existing) {
    set.set(name, {
      name,
      properties: structuredClone(a.properties),
      start: a.start,
      end: a.end,
      quantities: { ...a.quantities },
    });
    return;
  }
  existing.properties = intersect(
    existing.properties,
    a.properties,
    aggregatedMetadata,
  );
  existing.start = Math.min(existing.start, a.start);
  existing.end = Math.max(existing.end, a.end);
  for (const k of QUANTITY_KEYS) existing.quantities[k] += a.quantities[k];
}

function clip(
  a: RawAllocation,
  from: number,
  to: number,
): RawAllocation | undefined {
  const start = Math.max(a.start, from);
  const end = Math.min(a.end, to);
  if (end <= start) return undefined;
  const share = (end - start) / (a.end - a.start);
  const quantities = zeroQuantities();
  for (const k of QUANTITY_KEYS) quantities[k] = a.quantities[k] * share;
  return { ...a, start, end, quantities };
}

/** Spreads each cluster's idle CPU and RAM cost over its allocations by their own cost. */
function shareIdleCosts(allocs: RawAllocation[]): RawAllocation[] {
  const byCluster = new Map<string, RawAllocation[]>();
  for (const a of allocs) {
    const key = a.properties.cluster ?? '';
    byCluster.set(key, [...(byCluster.get(key) ?? []), a]);
  }
  const out: RawAllocation[] = [];
  for (const group of byCluster.values()) {
    const idle = group.filter(a => a.idle);
    const active = group.filter(a => !a.idle);
    const cpu = active.reduce((s, a) => s + a.quantities.cpuCost, 0);
    const ram = active.reduce((s, a) => s + a.quantities.ramCost, 0);
    for (const a of active) {
      const q = { ...a.quantities };
      for (const i of idle) {
        const cpuShare = cpu > 0 ? a.quantities.cpuCost / cpu : 0;
        const ramShare = ram > 0 ? a.quantities.ramCost / ram : 0;
        q.cpuCost += i.quantities.cpuCost * cpuShare;
        q.cpuCoreHours += i.quantities.cpuCoreHours * cpuShare;
        q.ramCost += i.quantities.ramCost * ramShare;
        q.ramByteHours += i.quantities.ramByteHours * ramShare;
      }
      out.push({ ...a, quantities: q });
    }
  }
  return out;
}

export interface AllocationQuery {
  window: Window;
  /** Duration of one set; defaults to the whole window. */
  step?: number;
  aggregate: string[];
  accumulate: boolean;
  includeIdle: boolean;
  shareIdle: boolean;
  /** Keep the labels the merged allocations share (otherwise dropped). */
  includeAggregatedMetadata: boolean;
}

export interface DataOptions extends ModelOptions {
  now: number;
  /** Epoch ms of the first day the clusters have data for. */
  historyStart: number;
}

function computeSet(
  clusters: ScenarioCluster[],
  from: number,
  to: number,
  query: AllocationQuery,
  data: DataOptions,
): AllocationSet {
  let raw: RawAllocation[] = [];
  const firstDay = Math.max(
    Math.floor(from / DAY_MS) * DAY_MS,
    data.historyStart,
  );
  for (const cluster of clusters) {
    for (let day = firstDay; day < to && day < data.now; day += DAY_MS) {
      for (const a of dayAllocations(cluster, day, data.now, data)) {
        const clipped = clip(a, from, to);
        if (clipped) raw.push(clipped);
      }
    }
  }
  if (!query.includeIdle) raw = raw.filter(a => !a.idle);
  else if (query.shareIdle) raw = shareIdleCosts(raw);
  const set: AllocationSet = new Map();
  for (const a of raw) {
    insert(
      set,
      a.idle ? IDLE : allocationKey(a.properties, query.aggregate),
      a,
      query.includeAggregatedMetadata,
    );
  }
  return set;
}

const round = (n: number) => Math.round(n * 100000) / 100000;

/** The JSON OpenCost's `AllocationJSON` marshals, field for field. */
export function allocationJson(a: Aggregated, window: Window) {
  const q = a.quantities;
  const minutes = (a.end - a.start) / 60_000;
  const hours = minutes / 60;
  const per = (total: number, over: number) => (over > 0 ? total / over : 0);
  const cpuReq = per(q.cpuCoreRequestMinutes, minutes);
  const cpuUse = per(q.cpuCoreUsageMinutes, minutes);
  const ramReq = per(q.ramByteRequestMinutes, minutes);
  const ramUse = per(q.ramByteUsageMinutes, minutes);
  const efficiency = (req: number, use: number, cost: number) => {
    if (req > 0) return use / req;
    return use > 0 && cost > 0 ? 1 : 0;
  };
  const cpuEfficiency = efficiency(cpuReq, cpuUse, q.cpuCost);
  const ramEfficiency = efficiency(ramReq, ramUse, q.ramCost);
  // No GPU usage metrics in this cluster: OpenCost reports 0 efficiency.
  const gpuEfficiency = 0;
  const computeCost = q.cpuCost + q.ramCost + q.gpuCost;
  const totalEfficiency =
    computeCost > 0
      ? (cpuEfficiency * q.cpuCost +
          ramEfficiency * q.ramCost +
          gpuEfficiency * q.gpuCost) /
        computeCost
      : 0;
  const totalCost =
    q.cpuCost +
    q.gpuCost +
    q.ramCost +
    q.pvCost +
    q.networkCost +
    q.loadBalancerCost +
    q.sharedCost +
    q.externalCost;
  return {
    name: a.name,
    properties: a.properties,
    window: { start: rfc3339(window.start), end: rfc3339(window.end) },
    start: rfc3339(a.start),
    end: rfc3339(a.end),
    minutes: round(minutes),
    cpuCores: round(per(q.cpuCoreHours, hours)),
    cpuCoreRequestAverage: round(cpuReq),
    cpuCoreLimitAverage: 0,
    cpuCoreUsageAverage: round(cpuUse),
    cpuCoreHours: round(q.cpuCoreHours),
    cpuCost: round(q.cpuCost),
    cpuCostAdjustment: 0,
    cpuCostIdle: 0,
    cpuEfficiency: round(cpuEfficiency),
    gpuCount: round(per(q.gpuHours, hours)),
    gpuHours: round(q.gpuHours),
    gpuCost: round(q.gpuCost),
    gpuCostAdjustment: 0,
    gpuCostIdle: 0,
    gpuEfficiency,
    networkTransferBytes: round(q.networkTransferBytes),
    networkReceiveBytes: round(q.networkReceiveBytes),
    networkCost: round(q.networkCost),
    networkCrossZoneCost: 0,
    networkCrossRegionCost: 0,
    networkInternetCost: round(q.networkCost),
    networkCostAdjustment: 0,
    loadBalancerCost: round(q.loadBalancerCost),
    loadBalancerCostAdjustment: 0,
    pvBytes: round(per(q.pvByteHours, hours)),
    pvByteHours: round(q.pvByteHours),
    pvCost: round(q.pvCost),
    pvs: null,
    pvCostAdjustment: 0,
    ramBytes: round(per(q.ramByteHours, hours)),
    ramByteRequestAverage: round(ramReq),
    ramByteLimitAverage: 0,
    ramByteUsageAverage: round(ramUse),
    ramByteHours: round(q.ramByteHours),
    ramCost: round(q.ramCost),
    ramCostAdjustment: 0,
    ramCostIdle: 0,
    ramEfficiency: round(ramEfficiency),
    externalCost: round(q.externalCost),
    sharedCost: round(q.sharedCost),
    totalCost: round(totalCost),
    totalEfficiency: round(totalEfficiency),
    proportionalAssetResourceCosts: {},
    lbAllocations: null,
    sharedCostBreakdown: {},
    gpuAllocation: null,
  };
}

export type AllocationJson = ReturnType<typeof allocationJson>;

/** The `data` of a `/allocation` response: one object per step. */
export function queryAllocations(
  clusters: ScenarioCluster[],
  query: AllocationQuery,
  data: DataOptions,
): Array<Record<string, AllocationJson>> {
  const { window } = query;
  if (window.end < window.start) {
    throw openCostError(
      500,
      `illegal window: [${goTime(window.start)}, ${goTime(window.end)})`,
    );
  }
  const step = query.step ?? window.end - window.start;
  if (step > 0 && (window.end - window.start) / step > MAX_STEPS) {
    // Not in OpenCost (it would grind on); keeps the stand-in responsive.
    throw openCostError(400, `bad request - more than ${MAX_STEPS} steps`);
  }
  const sets: Array<{ window: Window; set: AllocationSet }> = [];
  for (let s = window.start; s < window.end; s += step) {
    sets.push({
      window: { start: s, end: s + step },
      set: computeSet(clusters, s, s + step, query, data),
    });
  }
  if (query.accumulate && sets.length > 0) {
    const all: AllocationSet = new Map();
    for (const { set } of sets) {
      for (const a of set.values()) {
        insert(all, a.name, a, query.includeAggregatedMetadata);
      }
    }
    sets.splice(0, sets.length, {
      window: {
        start: sets[0].window.start,
        end: sets[sets.length - 1].window.end,
      },
      set: all,
    });
  }
  return sets.map(({ window: w, set }) =>
    Object.fromEntries(
      [...set.values()].map(a => [a.name, allocationJson(a, w)]),
    ),
  );
}
