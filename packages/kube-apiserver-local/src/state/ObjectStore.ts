import { KubeObject, clone, kubeTime, uidFor } from '../kubeObject';
import { ResourceType, resourceKey, typeOfKind } from '../resources';
import {
  HistoryEntry,
  WatchEventType,
  WatchFilter,
  eventFor,
  matchesFilter,
} from './watch';

interface Watcher {
  filter: WatchFilter;
  send(type: WatchEventType, object: KubeObject): void;
}

const DEFAULT_HISTORY_SIZE = 1000;

/**
 * The objects of one cluster: a resourceVersion counter, a bounded history
 * of changes for resuming watches, and the open watches. Objects go in and
 * out as copies, so callers cannot change the stored ones behind its back.
 */
export class ObjectStore {
  readonly #clusterName: string;
  readonly #historySize: number;
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  readonly #watchers = new Set<Watcher>();
  #resourceVersion = 1;
  #history: HistoryEntry[] = [];
  /** Lowest resourceVersion a watch may resume from. */
  #oldestResumable = 1;

  static create(options: {
    clusterName: string;
    historySize?: number;
  }): ObjectStore {
    return new ObjectStore(
      options.clusterName,
      options.historySize ?? DEFAULT_HISTORY_SIZE,
    );
  }

  private constructor(clusterName: string, historySize: number) {
    this.#clusterName = clusterName;
    this.#historySize = historySize;
  }

  get resourceVersion(): number {
    return this.#resourceVersion;
  }

  get oldestResourceVersion(): number {
    return this.#oldestResumable;
  }

  list(type: ResourceType, filter?: WatchFilter): KubeObject[] {
    const all = [...this.#bucket(resourceKey(type)).values()];
    const items = filter ? all.filter(o => matchesFilter(filter, o)) : all;
    return items.sort((a, b) => idOf(a).localeCompare(idOf(b))).map(clone);
  }

  get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const o = this.#bucket(resourceKey(type)).get(`${namespace ?? ''}/${name}`);
    return o ? clone(o) : undefined;
  }

  /** Creates or replaces an object; bumps the resourceVersion, emits events. */
  put(object: KubeObject): KubeObject {
    const key = resourceKey(typeOfKind(object.kind));
    const bucket = this.#bucket(key);
    const id = idOf(object);
    const existing = bucket.get(id);
    const o = clone(object);
    this.#resourceVersion += 1;
    o.metadata.resourceVersion = String(this.#resourceVersion);
    o.metadata.uid =
      existing?.metadata.uid ??
      o.metadata.uid ??
      uidFor(`${this.#clusterName}/${key}/${id}/${this.#resourceVersion}`);
    o.metadata.creationTimestamp =
      existing?.metadata.creationTimestamp ??
      o.metadata.creationTimestamp ??
      kubeTime(Date.now());
    bucket.set(id, o);
    this.#record(existing ? 'MODIFIED' : 'ADDED', key, o, existing);
    return clone(o);
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const key = resourceKey(type);
    const bucket = this.#bucket(key);
    const id = `${namespace ?? ''}/${name}`;
    const existing = bucket.get(id);
    if (!existing) return undefined;
    bucket.delete(id);
    this.#resourceVersion += 1;
    const o = clone(existing);
    o.metadata.resourceVersion = String(this.#resourceVersion);
    this.#record('DELETED', key, o);
    return o;
  }

  /** Forgets the history up to now, as if it had been compacted. */
  compact() {
    this.#history = [];
    this.#oldestResumable = this.#resourceVersion;
  }

  /**
   * Events since `sinceRv`, or `undefined` if they are no longer all known
   * (the caller answers 410 Gone / Expired).
   */
  eventsSince(
    filter: WatchFilter,
    sinceRv: number,
  ): HistoryEntry[] | undefined {
    if (sinceRv < this.#oldestResumable) return undefined;
    const key = resourceKey(filter.type);
    const out: HistoryEntry[] = [];
    for (const e of this.#history) {
      if (e.rv <= sinceRv || e.key !== key) continue;
      const type = eventFor(filter, e.type, e.object, e.previous);
      if (type) out.push({ rv: e.rv, type, key, object: clone(e.object) });
    }
    return out;
  }

  /** Calls `send` for every later change that the filter sees; returns the unsubscribe. */
  subscribe(
    filter: WatchFilter,
    send: (type: WatchEventType, object: KubeObject) => void,
  ): () => void {
    const watcher: Watcher = { filter, send };
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  #bucket(key: string): Map<string, KubeObject> {
    let bucket = this.#objects.get(key);
    if (!bucket) {
      bucket = new Map();
      this.#objects.set(key, bucket);
    }
    return bucket;
  }

  #record(
    type: WatchEventType,
    key: string,
    object: KubeObject,
    previous?: KubeObject,
  ) {
    this.#history.push({
      rv: this.#resourceVersion,
      type,
      key,
      object: clone(object),
      ...(previous ? { previous: clone(previous) } : {}),
    });
    if (this.#history.length > this.#historySize) {
      const dropped = this.#history.splice(
        0,
        this.#history.length - this.#historySize,
      );
      this.#oldestResumable = dropped[dropped.length - 1].rv;
    }
    for (const w of this.#watchers) {
      if (resourceKey(w.filter.type) !== key) continue;
      const seen = eventFor(w.filter, type, object, previous);
      if (seen) w.send(seen, clone(object));
    }
  }
}

/** Objects are kept, and listed, by `namespace/name`. */
function idOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}
