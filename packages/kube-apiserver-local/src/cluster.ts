import { createHash } from 'node:crypto';
import { ResourceType, resourceKey, typeOfKind } from './resources';
import {
  FieldRequirement,
  LabelRequirement,
  matchesFields,
  matchesLabels,
} from './selectors';

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<Record<string, any>>;
    [k: string]: any;
  };
  [k: string]: any;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface HistoryEntry {
  rv: number;
  type: WatchEventType;
  key: string; // resourceKey of the object's type
  object: KubeObject;
  /** The object before a MODIFIED change. */
  previous?: KubeObject;
}

export interface WatchFilter {
  type: ResourceType;
  namespace?: string;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

interface Watcher {
  filter: WatchFilter;
  send(type: WatchEventType, object: KubeObject): void;
}

export function matchesFilter(f: WatchFilter, o: KubeObject): boolean {
  if (f.namespace !== undefined && o.metadata.namespace !== f.namespace) {
    return false;
  }
  return (
    matchesLabels(f.labels, o.metadata.labels) && matchesFields(f.fields, o)
  );
}

/**
 * The event a filtered watch sees: an object that starts matching the
 * selector is ADDED, one that stops matching is DELETED (as the real server).
 */
export function eventFor(
  f: WatchFilter,
  type: WatchEventType,
  o: KubeObject,
  previous?: KubeObject,
): WatchEventType | undefined {
  const now = matchesFilter(f, o);
  if (type !== 'MODIFIED' || !previous) return now ? type : undefined;
  const before = matchesFilter(f, previous);
  if (now && before) return 'MODIFIED';
  if (now) return 'ADDED';
  return before ? 'DELETED' : undefined;
}

export function clone<T>(o: T): T {
  return JSON.parse(JSON.stringify(o));
}

/** Kubernetes timestamps: RFC 3339 in UTC, whole seconds. */
export function kubeTime(d: Date | number): string {
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Deterministic, Kubernetes-looking random suffixes and uids. */
export function suffix(seed: string, length: number): string {
  const h = createHash('sha256').update(seed).digest();
  let s = '';
  for (let i = 0; i < length; i++)
    s += NAME_ALPHABET[h[i] % NAME_ALPHABET.length];
  return s;
}

export function uidFor(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

/**
 * The state of one cluster: objects, a resourceVersion counter, a bounded
 * history of changes for watches, and the open watches.
 */
export class ObjectStore {
  readonly name: string;
  private rv = 1;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private history: HistoryEntry[] = [];
  private readonly watchers = new Set<Watcher>();
  /** Lowest resourceVersion a watch may resume from. */
  private oldestResumable = 1;
  private readonly historySize: number;
  /** Pod logs, by `namespace/pod/container`. */
  readonly logs = new Map<string, string[]>();
  /** Mutation helpers need the scenario details of each deployment. */
  readonly meta = new Map<string, Record<string, any>>();

  constructor(name: string, opts: { historySize?: number } = {}) {
    this.name = name;
    this.historySize = opts.historySize ?? 1000;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  get oldestResourceVersion(): number {
    return this.oldestResumable;
  }

  private bucket(key: string): Map<string, KubeObject> {
    let b = this.objects.get(key);
    if (!b) {
      b = new Map();
      this.objects.set(key, b);
    }
    return b;
  }

  private static id(o: KubeObject): string {
    return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  }

  list(type: ResourceType, filter?: WatchFilter): KubeObject[] {
    const all = [...this.bucket(resourceKey(type)).values()];
    const items = filter ? all.filter(o => matchesFilter(filter, o)) : all;
    return items
      .sort((a, b) => ObjectStore.id(a).localeCompare(ObjectStore.id(b)))
      .map(clone);
  }

  get(type: ResourceType, namespace: string | undefined, name: string) {
    const o = this.bucket(resourceKey(type)).get(`${namespace ?? ''}/${name}`);
    return o ? clone(o) : undefined;
  }

  /** Creates or replaces an object; bumps the resourceVersion, emits events. */
  put(object: KubeObject): KubeObject {
    const type = typeOfKind(object.kind);
    const key = resourceKey(type);
    const b = this.bucket(key);
    const id = ObjectStore.id(object);
    const existing = b.get(id);
    const o = clone(object);
    this.rv += 1;
    o.metadata.resourceVersion = String(this.rv);
    o.metadata.uid =
      existing?.metadata.uid ??
      o.metadata.uid ??
      uidFor(`${this.name}/${key}/${id}/${this.rv}`);
    o.metadata.creationTimestamp =
      existing?.metadata.creationTimestamp ??
      o.metadata.creationTimestamp ??
      kubeTime(Date.now());
    b.set(id, o);
    this.record(existing ? 'MODIFIED' : 'ADDED', key, o, existing);
    return clone(o);
  }

  delete(type: ResourceType, namespace: string | undefined, name: string) {
    const key = resourceKey(type);
    const b = this.bucket(key);
    const id = `${namespace ?? ''}/${name}`;
    const existing = b.get(id);
    if (!existing) return undefined;
    b.delete(id);
    this.rv += 1;
    const o = clone(existing);
    o.metadata.resourceVersion = String(this.rv);
    this.record('DELETED', key, o);
    return o;
  }

  private record(
    type: WatchEventType,
    key: string,
    object: KubeObject,
    previous?: KubeObject,
  ) {
    this.history.push({
      rv: this.rv,
      type,
      key,
      object: clone(object),
      ...(previous ? { previous: clone(previous) } : {}),
    });
    if (this.history.length > this.historySize) {
      const dropped = this.history.splice(
        0,
        this.history.length - this.historySize,
      );
      this.oldestResumable = dropped[dropped.length - 1].rv;
    }
    for (const w of this.watchers) {
      if (resourceKey(w.filter.type) !== key) continue;
      const t = eventFor(w.filter, type, object, previous);
      if (t) w.send(t, clone(object));
    }
  }

  /** Forgets the history up to now, as if it had been compacted. */
  compact() {
    this.history = [];
    this.oldestResumable = this.rv;
  }

  /**
   * Events since `sinceRv`, or `undefined` if they are no longer all known
   * (the caller answers 410 Gone / Expired).
   */
  eventsSince(
    filter: WatchFilter,
    sinceRv: number,
  ): HistoryEntry[] | undefined {
    if (sinceRv < this.oldestResumable) return undefined;
    const key = resourceKey(filter.type);
    const out: HistoryEntry[] = [];
    for (const e of this.history) {
      if (e.rv <= sinceRv || e.key !== key) continue;
      const t = eventFor(filter, e.type, e.object, e.previous);
      if (t) out.push({ rv: e.rv, type: t, key, object: clone(e.object) });
    }
    return out;
  }

  subscribe(
    filter: WatchFilter,
    send: (type: WatchEventType, object: KubeObject) => void,
  ): () => void {
    const w: Watcher = { filter, send };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }
}
