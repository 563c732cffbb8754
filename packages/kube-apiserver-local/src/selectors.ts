/**
 * Label and field selectors, as the Kubernetes API server parses them.
 *
 * Deliberately not `@paved/label-selectors`: this stand-in checks Paved's
 * Kubernetes clients, so it parses selectors its own way, as the API server
 * does; sharing the clients' parser would make that check circular.
 */

export type LabelRequirement =
  | { key: string; op: 'eq' | 'neq'; values: [string] }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists'; values: [] };

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts.map(p => p.trim()).filter(p => p.length > 0);
}

export class SelectorError extends Error {}

export function parseLabelSelector(s: string | null): LabelRequirement[] {
  if (!s) return [];
  return splitTopLevel(s).map(part => {
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      const values = m[3]
        .split(',')
        .map(v => v.trim())
        .filter(v => v.length > 0);
      return { key: m[1], op: m[2] as 'in' | 'notin', values };
    }
    m = /^([\w./-]+)\s*(!=|==|=)\s*([\w./-]*)$/.exec(part);
    if (m) {
      return {
        key: m[1],
        op: m[2] === '!=' ? 'neq' : 'eq',
        values: [m[3]],
      };
    }
    m = /^(!?)\s*([\w./-]+)$/.exec(part);
    if (m) {
      return { key: m[2], op: m[1] ? 'notexists' : 'exists', values: [] };
    }
    throw new SelectorError(`unable to parse requirement: ${part}`);
  });
}

export function matchesLabels(
  reqs: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return reqs.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'eq':
        return has && v === r.values[0];
      case 'neq':
        return !has || v !== r.values[0];
      case 'in':
        return has && r.values.includes(v);
      case 'notin':
        return !has || !r.values.includes(v);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      default:
        return false;
    }
  });
}

export type FieldRequirement = { path: string; neq: boolean; value: string };

/** The fields the real server can select on, per kind (plus metadata.*). */
const KIND_FIELDS: Record<string, string[]> = {
  Pod: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
  ],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  Namespace: ['status.phase'],
  ReplicaSet: ['status.replicas'],
};

export function parseFieldSelector(
  s: string | null,
  kind = '',
): FieldRequirement[] {
  const SUPPORTED_FIELDS = [
    'metadata.name',
    'metadata.namespace',
    ...(KIND_FIELDS[kind] ?? []),
  ];
  if (!s) return [];
  return splitTopLevel(s).map(part => {
    const m = /^([\w.]+)\s*(!=|==|=)\s*(.*)$/.exec(part);
    if (!m) throw new SelectorError(`invalid selector: '${part}'`);
    if (!SUPPORTED_FIELDS.includes(m[1])) {
      throw new SelectorError(
        `"${m[1]}" is not a known field selector: only ${SUPPORTED_FIELDS.map(
          f => `"${f}"`,
        ).join(', ')}`,
      );
    }
    return { path: m[1], neq: m[2] === '!=', value: m[3] };
  });
}

/** The value at a dotted path, e.g. `involvedObject.name`. */
function valueAt(object: object, path: string): unknown {
  let value: unknown = object;
  for (const part of path.split('.')) {
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<string, unknown>)[part]
        : undefined;
  }
  return value;
}

export function matchesFields(
  reqs: FieldRequirement[],
  object: object,
): boolean {
  return reqs.every(r => {
    let v = valueAt(object, r.path);
    // An event's `source` field selects on the reporting component.
    if (r.path === 'source' && v && typeof v === 'object') {
      v = (v as { component?: unknown }).component;
    }
    const actual = v === undefined || v === null ? '' : String(v);
    return r.neq ? actual !== r.value : actual === r.value;
  });
}
