import { KubeObject } from '../kubeObject';
import { ResourceType } from '../resources';
import {
  FieldRequirement,
  LabelRequirement,
  matchesFields,
  matchesLabels,
} from '../selectors';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** What a list or watch asks for: one resource type, narrowed by selectors. */
export interface WatchFilter {
  type: ResourceType;
  namespace?: string;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

/** One recorded change, kept for resuming watches. */
export interface HistoryEntry {
  rv: number;
  type: WatchEventType;
  /** The resourceKey of the object's type. */
  key: string;
  object: KubeObject;
  /** The object before a MODIFIED change. */
  previous?: KubeObject;
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
