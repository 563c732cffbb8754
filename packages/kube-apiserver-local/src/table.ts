import { Container, ContainerStatus, KubeObject } from './kubeObject';
import { ResourceType } from './resources';

/**
 * Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`),
 * which `kubectl get` asks for when printing human-readable output.
 */

type Column = [name: string, type: string, priority?: number];

/** kubectl's HumanDuration, as the server prints the AGE column. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

const age = (o: KubeObject) =>
  humanDuration(Date.now() - Date.parse(o.metadata.creationTimestamp ?? ''));

function containerStatuses(p: KubeObject): ContainerStatus[] {
  return p.status?.containerStatuses ?? [];
}

function templateContainers(d: KubeObject): Container[] {
  return d.spec.template.spec.containers;
}

function podStatus(p: KubeObject): string {
  for (const c of containerStatuses(p)) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated?.reason) return c.state.terminated.reason;
  }
  return p.status?.phase ?? 'Unknown';
}

function podRestarts(p: KubeObject): string {
  const cs = containerStatuses(p);
  const n = cs.reduce((a, c) => a + (c.restartCount ?? 0), 0);
  const last = cs
    .map(c => c.lastState?.terminated?.finishedAt)
    .filter(Boolean)
    .sort()
    .pop();
  return last && n > 0
    ? `${n} (${humanDuration(Date.now() - Date.parse(last))} ago)`
    : String(n);
}

function servicePorts(s: KubeObject): string {
  const ports: Array<{ port: number; protocol: string }> = s.spec.ports;
  return ports.map(p => `${p.port}/${p.protocol}`).join(',');
}

const PRINTERS: Record<
  string,
  { columns: Column[]; cells(o: KubeObject): unknown[] }
> = {
  Pod: {
    columns: [
      ['Name', 'string'],
      ['Ready', 'string'],
      ['Status', 'string'],
      ['Restarts', 'string'],
      ['Age', 'string'],
      ['IP', 'string', 1],
      ['Node', 'string', 1],
    ],
    cells: p => {
      const total = p.spec?.containers?.length ?? 0;
      return [
        p.metadata.name,
        `${containerStatuses(p).filter(c => c.ready).length}/${total}`,
        podStatus(p),
        podRestarts(p),
        age(p),
        p.status?.podIP ?? '<none>',
        p.spec?.nodeName ?? '<none>',
      ];
    },
  },
  Deployment: {
    columns: [
      ['Name', 'string'],
      ['Ready', 'string'],
      ['Up-to-date', 'integer'],
      ['Available', 'integer'],
      ['Age', 'string'],
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
    ],
    cells: d => [
      d.metadata.name,
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      age(d),
      templateContainers(d)
        .map(c => c.name)
        .join(','),
      templateContainers(d)
        .map(c => c.image)
        .join(','),
    ],
  },
  ReplicaSet: {
    columns: [
      ['Name', 'string'],
      ['Desired', 'integer'],
      ['Current', 'integer'],
      ['Ready', 'integer'],
      ['Age', 'string'],
    ],
    cells: r => [
      r.metadata.name,
      r.spec?.replicas ?? 0,
      r.status?.replicas ?? 0,
      r.status?.readyReplicas ?? 0,
      age(r),
    ],
  },
  Service: {
    columns: [
      ['Name', 'string'],
      ['Type', 'string'],
      ['Cluster-IP', 'string'],
      ['External-IP', 'string'],
      ['Port(s)', 'string'],
      ['Age', 'string'],
    ],
    cells: s => [
      s.metadata.name,
      s.spec.type,
      s.spec.clusterIP,
      '<none>',
      servicePorts(s),
      age(s),
    ],
  },
  Namespace: {
    columns: [
      ['Name', 'string'],
      ['Status', 'string'],
      ['Age', 'string'],
    ],
    cells: n => [n.metadata.name, n.status?.phase ?? 'Active', age(n)],
  },
  Event: {
    columns: [
      ['Last Seen', 'string'],
      ['Type', 'string'],
      ['Reason', 'string'],
      ['Object', 'string'],
      ['Message', 'string'],
    ],
    cells: e => [
      humanDuration(Date.now() - Date.parse(e.lastTimestamp)),
      e.type,
      e.reason,
      `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
      e.message,
    ],
  },
  HorizontalPodAutoscaler: {
    columns: [
      ['Name', 'string'],
      ['Reference', 'string'],
      ['MinPods', 'integer'],
      ['MaxPods', 'integer'],
      ['Replicas', 'integer'],
      ['Age', 'string'],
    ],
    cells: h => [
      h.metadata.name,
      `${h.spec.scaleTargetRef.kind}/${h.spec.scaleTargetRef.name}`,
      h.spec.minReplicas,
      h.spec.maxReplicas,
      h.status?.currentReplicas ?? 0,
      age(h),
    ],
  },
};

const DEFAULT_PRINTER = {
  columns: [
    ['Name', 'string'],
    ['Age', 'string'],
  ] as Column[],
  cells: (o: KubeObject) => [o.metadata.name, age(o)],
};

export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '') && /g=meta\.k8s\.io/.test(accept ?? '');
}

export function toTable(
  type: ResourceType,
  objects: KubeObject[],
  resourceVersion: string,
) {
  const printer = PRINTERS[type.kind] ?? DEFAULT_PRINTER;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: printer.columns.map(([name, t, priority]) => ({
      name,
      type: t,
      format: name === 'Name' ? 'name' : '',
      description: '',
      priority: priority ?? 0,
    })),
    rows: objects.map(o => ({
      cells: printer.cells(o),
      object: {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: o.metadata,
      },
    })),
  };
}
