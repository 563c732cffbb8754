import { KubeObject, isOwnedBy } from '../kubeObject';
import { ResourceType, typeOfKind } from '../resources';
import { Scenario, WorkloadSpec, WorkloadState } from '../scenario';
import { autoscalerObject } from './autoscalers';
import {
  REVISION_ANNOTATION,
  deploymentConditions,
  deploymentObject,
  deploymentStatus,
} from './deployments';
import { disruptionBudgetObject } from './disruptionBudgets';
import { EventReport, eventObject, scalingReplicaSet } from './events';
import { PodLogs, defaultLogs } from './logs';
import { namespaceObject } from './namespaces';
import { ObjectStore } from './ObjectStore';
import {
  ClusterNodes,
  PodState,
  crashFirstContainer,
  isReady,
  nodeNamesFor,
  podObject,
  podStateEvents,
} from './pods';
import {
  replicaSetObject,
  replicaSetStatus,
  revisionOf,
  setDesiredReplicas,
} from './replicaSets';
import { serviceObject } from './services';
import { HistoryEntry, WatchEventType, WatchFilter } from './watch';
import { Workload, splitImage } from './workload';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DEFAULT_NODE_COUNT = 6;

const NAMESPACE = typeOfKind('Namespace');
const DEPLOYMENT = typeOfKind('Deployment');
const REPLICA_SET = typeOfKind('ReplicaSet');
const POD = typeOfKind('Pod');

export interface ClusterStateOptions {
  /** Number of changes kept for resuming watches (default 1000). */
  historySize?: number;
  /** The clock the scenario is seeded at (epoch ms); default now. */
  now?: number;
}

/** When and how a scenario workload's history played out. */
interface SeedPlan {
  state: WorkloadState;
  /** When the Deployment was created. */
  created: number;
  /** The newest revision cannot pull its image; the one before still runs. */
  stuck: boolean;
  /** The revision whose ReplicaSet runs the pods. */
  runningRevision: number;
  /** When the running pods started. */
  podStart: number;
}

/**
 * One cluster, seeded from a scenario, with the changes a test makes:
 * scale, rollout, crash. Each change goes through the object store, so it
 * bumps the resourceVersion and reaches the open watches, and the
 * controllers' part (ReplicaSets, pods, status, events) follows as in a
 * real cluster.
 */
export class ClusterState {
  readonly name: string;
  readonly #store: ObjectStore;
  readonly #registry: string;
  readonly #nodes: ClusterNodes;
  readonly #workloads = new Map<string, Workload>();
  readonly #logs = new PodLogs();
  /** The running number that makes generated names and addresses unique. */
  #sequence = 0;

  static create(
    scenario: Scenario,
    options: ClusterStateOptions = {},
  ): ClusterState {
    return new ClusterState(scenario, options);
  }

  /** Prefer `ClusterState.create`; public for existing callers of `new`. */
  constructor(scenario: Scenario, options: ClusterStateOptions = {}) {
    this.name = scenario.name;
    this.#store = ObjectStore.create({
      clusterName: scenario.name,
      historySize: options.historySize,
    });
    this.#registry = scenario.registry ?? 'registry.local';
    this.#nodes = {
      clusterName: scenario.name,
      nodeNames: nodeNamesFor(
        scenario.name,
        scenario.nodes ?? DEFAULT_NODE_COUNT,
      ),
    };
    const now = options.now ?? Date.now();
    for (const namespace of ['default', 'kube-system']) {
      this.#ensureNamespace(namespace, now - 400 * DAY);
    }
    for (const environment of scenario.environments ?? []) {
      for (const spec of environment.workloads ?? []) {
        const namespace = `${spec.team}${environment.namespaceSuffix ?? ''}`;
        this.#seedWorkload(spec, environment.name, namespace, now);
      }
    }
  }

  // ------------------------------------------------------- reads and watches

  get resourceVersion(): number {
    return this.#store.resourceVersion;
  }

  get oldestResourceVersion(): number {
    return this.#store.oldestResourceVersion;
  }

  list(type: ResourceType, filter?: WatchFilter): KubeObject[] {
    return this.#store.list(type, filter);
  }

  get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return this.#store.get(type, namespace, name);
  }

  eventsSince(
    filter: WatchFilter,
    sinceRv: number,
  ): HistoryEntry[] | undefined {
    return this.#store.eventsSince(filter, sinceRv);
  }

  subscribe(
    filter: WatchFilter,
    send: (type: WatchEventType, object: KubeObject) => void,
  ): () => void {
    return this.#store.subscribe(filter, send);
  }

  /**
   * Creates or replaces an object as a client would (no controller reacts);
   * bumps the resourceVersion and reaches the watches.
   */
  put(object: KubeObject): KubeObject {
    return this.#store.put(object);
  }

  /** Deletes an object as a client would (no controller reacts). */
  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return this.#store.delete(type, namespace, name);
  }

  /** Forgets the history up to now, so older resourceVersions expire. */
  compact() {
    this.#store.compact();
  }

  /** A container's log lines; `undefined` when the pod does not exist. */
  logsFor(
    namespace: string,
    pod: string,
    container: string,
  ): string[] | undefined {
    const p = this.#store.get(POD, namespace, pod);
    if (!p) return undefined;
    const known = this.#logs.get(namespace, pod, container);
    if (known) return known;
    const start = Date.parse(
      p.status?.startTime ?? p.metadata.creationTimestamp!,
    );
    return defaultLogs(container, start, false);
  }

  // --------------------------------------------------------------- changes

  /** Scales a Deployment; its newest ReplicaSet gains or loses pods. */
  scale(namespace: string, name: string, replicas: number) {
    const { deployment, workload } = this.#deployment(namespace, name);
    deployment.spec.replicas = replicas;
    deployment.metadata.generation = (deployment.metadata.generation ?? 1) + 1;
    this.#store.put(deployment);
    const replicaSet = this.#replicaSetAt(namespace, name, workload.revision);
    const previous: number = replicaSet.spec.replicas;
    setDesiredReplicas(replicaSet, replicas);
    this.#store.put(replicaSet);
    const pods = this.#podsOf(replicaSet);
    for (let i = pods.length; i < replicas; i++) {
      this.#addPod(replicaSet, i, 'running', Date.now());
    }
    for (const p of pods.slice(replicas)) {
      this.#store.delete(POD, namespace, p.metadata.name);
    }
    this.#report(
      deployment,
      scalingReplicaSet(
        replicas > previous ? 'up' : 'down',
        replicaSet.metadata.name,
        previous,
        replicas,
      ),
    );
    this.#refreshStatus(namespace, name);
  }

  /**
   * Rolls a Deployment out to a new image (`repository:tag`, or a bare tag):
   * a new ReplicaSet revision takes all the pods.
   */
  rollout(namespace: string, name: string, image: string) {
    const { deployment, workload } = this.#deployment(namespace, name);
    const now = Date.now();
    const { repository, tag } = splitImage(image);
    workload.revision += 1;
    workload.image = repository ?? workload.image;
    const replicas: number = deployment.spec.replicas;
    deployment.metadata.generation = (deployment.metadata.generation ?? 1) + 1;
    deployment.metadata.annotations![REVISION_ANNOTATION] = String(
      workload.revision,
    );
    deployment.spec.template.spec.containers[0].image = `${workload.image}:${tag}`;
    deployment.spec.template.metadata.labels['app.kubernetes.io/version'] = tag;
    this.#store.put(deployment);
    const replicaSet = this.#newReplicaSet(workload, tag, replicas, now);
    for (let i = 0; i < replicas; i++) {
      this.#addPod(replicaSet, i, 'running', now);
    }
    this.#report(
      deployment,
      scalingReplicaSet('up', replicaSet.metadata.name, 0, replicas),
    );
    // Every older ReplicaSet with pods is scaled down (a stuck rollout has two).
    for (const old of this.#replicaSetsOf(namespace, name)) {
      if (old.metadata.name === replicaSet.metadata.name) continue;
      if (!old.spec.replicas) continue;
      this.#scaleToZero(deployment, old);
    }
    const rolledOut = this.#store.get(DEPLOYMENT, namespace, name)!;
    rolledOut.status.conditions = deploymentConditions(
      true,
      true,
      replicaSet.metadata.name,
      now,
    );
    this.#store.put(rolledOut);
    this.#refreshStatus(namespace, name);
  }

  /** Makes a pod's first container crash: restart, then CrashLoopBackOff. */
  crash(namespace: string, podName: string) {
    const pod = this.#store.get(POD, namespace, podName);
    if (!pod) throw new Error(`pod ${namespace}/${podName} not found`);
    const backOff = crashFirstContainer(pod, Date.now());
    this.#store.put(pod);
    this.#report(pod, backOff);
    const owner = pod.metadata.labels?.['backstage.io/kubernetes-id'];
    if (owner) this.#refreshStatus(namespace, owner);
  }

  // --------------------------------------------------------------- seeding

  #ensureNamespace(name: string, created: number, environment?: string) {
    if (this.#store.get(NAMESPACE, undefined, name)) return;
    this.#store.put(namespaceObject(name, created, environment));
  }

  #seedWorkload(
    spec: WorkloadSpec,
    environment: string,
    namespace: string,
    now: number,
  ) {
    const workload: Workload = {
      spec,
      namespace,
      environment,
      image: `${this.#registry}/${spec.id}`,
      revision: spec.versions.length,
    };
    this.#workloads.set(`${namespace}/${spec.id}`, workload);
    this.#ensureNamespace(namespace, now - 200 * DAY, environment);
    const plan = seedPlan(spec, now);
    const deployment = deploymentObject(
      workload,
      spec.versions[spec.versions.length - 1],
      plan.created,
    );
    this.#store.put(deployment);
    const { running, newest } = this.#seedReplicaSets(workload, plan);
    this.#seedPods(workload, plan, running);
    if (plan.stuck) {
      this.#addPod(newest, 0, 'imagepull', now - 45 * MINUTE);
    }
    if (plan.state === 'pending') {
      // One replica more than fits: it waits, unschedulable.
      running.spec.replicas = spec.replicas + 1;
      this.#store.put(running);
      deployment.spec.replicas = spec.replicas + 1;
      this.#store.put(deployment);
      this.#addPod(running, spec.replicas, 'pending', now - 20 * MINUTE);
    }
    const seeded = this.#store.get(DEPLOYMENT, namespace, spec.id)!;
    seeded.status.conditions = deploymentConditions(
      plan.state !== 'crashloop',
      !plan.stuck,
      newest.metadata.name,
      plan.stuck ? now - 35 * MINUTE : plan.podStart,
    );
    this.#store.put(seeded);
    this.#refreshStatus(namespace, spec.id);
    this.#seedCompanions(workload, plan.created);
    this.#seedRolloutEvents(workload, seeded, newest, plan, now);
    if (spec.logs) this.#seedLogs(workload, spec.logs);
  }

  /** One ReplicaSet per revision, the older ones scaled to zero. */
  #seedReplicaSets(workload: Workload, plan: SeedPlan) {
    const versions = workload.spec.versions;
    let running: KubeObject | undefined;
    let newest: KubeObject | undefined;
    versions.forEach((tag, i) => {
      const revision = i + 1;
      let replicas = 0;
      if (revision === plan.runningRevision) replicas = workload.spec.replicas;
      if (plan.stuck && revision === versions.length) replicas = 1;
      const replicaSet = replicaSetObject({
        clusterName: this.name,
        workload,
        deployment: this.#store.get(
          DEPLOYMENT,
          workload.namespace,
          workload.spec.id,
        )!,
        tag,
        revision,
        replicas,
        created: plan.created + i * 3 * DAY,
      });
      this.#store.put(replicaSet);
      if (revision === plan.runningRevision) running = replicaSet;
      if (revision === versions.length) newest = replicaSet;
    });
    // The scenario parser guarantees at least one version.
    return { running: running!, newest: newest! };
  }

  /** The running revision's pods, in the scenario's state. */
  #seedPods(workload: Workload, plan: SeedPlan, running: KubeObject) {
    for (let i = 0; i < workload.spec.replicas; i++) {
      let state: PodState = 'running';
      if (plan.state === 'crashloop') state = 'crashloop';
      if (plan.state === 'oomkilled' && i === 0) state = 'oomkilled';
      this.#addPod(running, i, state, plan.podStart);
    }
  }

  /** The Service, autoscaler and disruption budget a workload declares. */
  #seedCompanions(workload: Workload, created: number) {
    this.#sequence += 1;
    this.#store.put(serviceObject(workload, created, this.#sequence));
    if (workload.spec.hpa) {
      this.#store.put(autoscalerObject(workload, workload.spec.hpa, created));
    }
    if (workload.spec.pdb !== undefined) {
      this.#store.put(
        disruptionBudgetObject(workload, workload.spec.pdb, created),
      );
    }
  }

  /** The deployment controller's account of the newest revision. */
  #seedRolloutEvents(
    workload: Workload,
    deployment: KubeObject,
    newest: KubeObject,
    plan: SeedPlan,
    now: number,
  ) {
    const replicas = plan.stuck ? 1 : workload.spec.replicas;
    this.#report(
      deployment,
      scalingReplicaSet(
        'up',
        newest.metadata.name,
        0,
        replicas,
        plan.stuck ? now - 45 * MINUTE : plan.podStart,
      ),
    );
    if (plan.stuck) {
      this.#report(deployment, {
        type: 'Warning',
        reason: 'ProgressDeadlineExceeded',
        message: `Deployment "${deployment.metadata.name}" has timed out progressing. ReplicaSet "${newest.metadata.name}" has timed out progressing.`,
        component: 'deployment-controller',
        at: now - 35 * MINUTE,
      });
    }
  }

  /** The scenario's log lines, for every pod of the workload. */
  #seedLogs(workload: Workload, lines: string[]) {
    const id = workload.spec.id;
    for (const pod of this.#store.list(POD)) {
      if (
        pod.metadata.namespace === workload.namespace &&
        pod.metadata.labels?.['backstage.io/kubernetes-id'] === id
      ) {
        this.#logs.set(workload.namespace, pod.metadata.name, id, lines);
      }
    }
  }

  // ----------------------------------------------------------- controllers

  /** Stores a new ReplicaSet revision of a workload, owned by its Deployment. */
  #newReplicaSet(
    workload: Workload,
    tag: string,
    replicas: number,
    created: number,
  ): KubeObject {
    const replicaSet = replicaSetObject({
      clusterName: this.name,
      workload,
      deployment: this.#store.get(
        DEPLOYMENT,
        workload.namespace,
        workload.spec.id,
      )!,
      tag,
      revision: workload.revision,
      replicas,
      created,
    });
    this.#store.put(replicaSet);
    return replicaSet;
  }

  /** Deletes an old ReplicaSet's pods and sets it to zero replicas. */
  #scaleToZero(deployment: KubeObject, replicaSet: KubeObject) {
    const had: number = replicaSet.spec.replicas;
    for (const p of this.#podsOf(replicaSet)) {
      this.#store.delete(POD, replicaSet.metadata.namespace, p.metadata.name);
    }
    setDesiredReplicas(replicaSet, 0);
    this.#store.put(replicaSet);
    this.#report(
      deployment,
      scalingReplicaSet('down', replicaSet.metadata.name, had, 0),
    );
  }

  /**
   * Stores pod number `index` of a ReplicaSet, after what the kubelet and
   * the scheduler report about its state.
   */
  #addPod(
    replicaSet: KubeObject,
    index: number,
    state: PodState,
    start: number,
  ) {
    this.#sequence += 1;
    const pod = podObject({
      cluster: this.#nodes,
      replicaSet,
      index,
      state,
      start,
      sequence: this.#sequence,
    });
    const container = pod.spec.containers[0].name;
    if (state === 'crashloop') {
      this.#logs.set(
        pod.metadata.namespace!,
        pod.metadata.name,
        container,
        defaultLogs(container, Date.now() - 90000, true),
      );
    }
    const at = Math.max(start, Date.now() - 10 * MINUTE);
    for (const report of podStateEvents(pod, state, at)) {
      this.#report(pod, report);
    }
    this.#store.put(pod);
  }

  /** Stores an Event about `involved`. */
  #report(involved: KubeObject, report: EventReport) {
    this.#sequence += 1;
    this.#store.put(eventObject(involved, report, this.#sequence));
  }

  #deployment(namespace: string, name: string) {
    const workload = this.#workloads.get(`${namespace}/${name}`);
    const deployment = this.#store.get(DEPLOYMENT, namespace, name);
    if (!workload || !deployment) {
      throw new Error(`deployment ${namespace}/${name} not found`);
    }
    return { workload, deployment };
  }

  #replicaSetsOf(namespace: string, deployment: string): KubeObject[] {
    return this.#store
      .list(REPLICA_SET)
      .filter(rs => isOwnedBy(rs, namespace, deployment));
  }

  #replicaSetAt(
    namespace: string,
    deployment: string,
    revision: number,
  ): KubeObject {
    const replicaSet = this.#replicaSetsOf(namespace, deployment).find(
      rs => revisionOf(rs) === String(revision),
    );
    if (!replicaSet) {
      throw new Error(`no revision ${revision} of ${namespace}/${deployment}`);
    }
    return replicaSet;
  }

  #podsOf(replicaSet: KubeObject): KubeObject[] {
    return this.#store
      .list(POD)
      .filter(p =>
        isOwnedBy(p, replicaSet.metadata.namespace!, replicaSet.metadata.name),
      );
  }

  /** Recomputes ReplicaSet and Deployment status from the pods. */
  #refreshStatus(namespace: string, name: string) {
    const { deployment, workload } = this.#deployment(namespace, name);
    const counts = { replicas: 0, ready: 0, updated: 0 };
    for (const replicaSet of this.#replicaSetsOf(namespace, name)) {
      const pods = this.#podsOf(replicaSet);
      const status = replicaSetStatus(replicaSet, pods);
      if (JSON.stringify(status) !== JSON.stringify(replicaSet.status)) {
        replicaSet.status = status;
        this.#store.put(replicaSet);
      }
      counts.replicas += pods.length;
      counts.ready += pods.filter(isReady).length;
      if (revisionOf(replicaSet) === String(workload.revision)) {
        counts.updated = pods.length;
      }
    }
    deployment.status = deploymentStatus(deployment, counts, Date.now());
    this.#store.put(deployment);
  }
}

/** How the scenario's history of a workload played out, as of `now`. */
function seedPlan(spec: WorkloadSpec, now: number): SeedPlan {
  const state = spec.state ?? 'healthy';
  const revisions = spec.versions.length;
  const stuck = state === 'stuck-rollout' && revisions > 1;
  return {
    state,
    created: now - (20 + revisions * 3) * DAY,
    stuck,
    runningRevision: stuck ? revisions - 1 : revisions,
    podStart: now - 2 * DAY - (spec.id.length % 7) * HOUR,
  };
}
