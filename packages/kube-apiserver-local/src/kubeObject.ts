import { createHash } from 'node:crypto';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

/**
 * Any object the stand-in serves. Only the metadata is typed: the rest is
 * the open-ended JSON of each kind, built and read by path the way the API
 * server and kubectl see it.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- spec and status differ per kind; typing every kind would be a copy of the Kubernetes API
  [field: string]: any;
}

/** The parts of a pod's containers the stand-in reads back. */
export interface Container {
  name: string;
  image: string;
}

/** The parts of a container status the stand-in reads back. */
export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    running?: { startedAt?: string };
    waiting?: { reason?: string; message?: string };
    terminated?: { reason?: string; finishedAt?: string };
  };
  lastState?: { terminated?: { reason?: string; finishedAt?: string } };
}

/** A status condition (pods, deployments, autoscalers, ...). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
}

export function clone<T>(o: T): T {
  return JSON.parse(JSON.stringify(o));
}

/** Kubernetes timestamps: RFC 3339 in UTC, whole seconds. */
export function kubeTime(d: Date | number): string {
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A deterministic, Kubernetes-looking random name suffix. */
export function nameSuffix(seed: string, length: number): string {
  const h = createHash('sha256').update(seed).digest();
  let s = '';
  for (let i = 0; i < length; i++)
    s += NAME_ALPHABET[h[i] % NAME_ALPHABET.length];
  return s;
}

/** A deterministic, Kubernetes-looking uid. */
export function uidFor(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

/** The reference a controller puts on the objects it owns. */
export function ownerReference(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether `o` is controlled by the object named `owner` in `namespace`. */
export function isOwnedBy(
  o: KubeObject,
  namespace: string,
  owner: string,
): boolean {
  return (
    o.metadata.namespace === namespace &&
    o.metadata.ownerReferences?.[0]?.name === owner
  );
}
