import { KubeObject, ObjectStore, kubeTime, suffix, uidFor } from './cluster';
import { typeOfKind } from './resources';
import { Scenario, WorkloadSpec, WorkloadState } from './scenario';

/* eslint-disable @typescript-eslint/no-explicit-any */

type PodState = 'running' | 'crashloop' | 'imagepull' | 'oomkilled' | 'pending';

interface DeploymentInfo {
  spec: WorkloadSpec;
  namespace: string;
  environment: string;
  image: string; // repository without tag
  revision: number;
}

const DAY = 24 * 3600 * 1000;
const KIND = (k: string) => typeOfKind(k);

/**
 * One cluster's state, seeded from a scenario, with the mutations a test
 * needs: scale, rollout, crash. Each bumps the resourceVersion and emits
 * watch events.
 */
export class ClusterState extends ObjectStore {
  private readonly deployments = new Map<string, DeploymentInfo>();
  private readonly nodeNames: string[];
  private seq = 0;

  constructor(
    private readonly scenario: Scenario,
    opts: { historySize?: number; now?: number } = {},
  ) {
    super(scenario.name, opts);
    const n = scenario.nodes ?? 6;
    this.nodeNames = Array.from(
      { length: n },
      (_, i) =>
        `ip-10-${scenario.name.length}-${10 + i}-${
          20 + i * 7
        }.eu-west-1.compute.internal`,
    );
    const now = opts.now ?? Date.now();
    for (const ns of ['default', 'kube-system'])
      this.ensureNamespace(ns, now - 400 * DAY);
    for (const env of scenario.environments ?? []) {
      for (const w of env.workloads ?? []) {
        this.seedWorkload(
          w,
          env.name,
          `${w.team}${env.namespaceSuffix ?? ''}`,
          now,
        );
      }
    }
  }

  // ---------------------------------------------------------------- mutations

  /** Scales a Deployment; its newest ReplicaSet gains or loses pods. */
  scale(namespace: string, name: string, replicas: number) {
    const { dep, info } = this.deployment(namespace, name);
    dep.spec.replicas = replicas;
    dep.metadata.generation = (dep.metadata.generation ?? 1) + 1;
    this.put(dep);
    const rs = this.replicaSetFor(namespace, name, info.revision);
    const old = rs.spec.replicas;
    rs.spec.replicas = replicas;
    rs.metadata.annotations!['deployment.kubernetes.io/desired-replicas'] =
      String(replicas);
    this.put(rs);
    const pods = this.podsOf(rs);
    for (let i = pods.length; i < replicas; i++) {
      this.put(this.pod(info, rs, i, 'running', Date.now()));
    }
    for (const p of pods.slice(replicas)) {
      this.delete(KIND('Pod'), namespace, p.metadata.name);
    }
    this.event(
      dep,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${replicas > old ? 'up' : 'down'} replica set ${
        rs.metadata.name
      } from ${old} to ${replicas}`,
      'deployment-controller',
    );
    this.refreshStatus(namespace, name);
  }

  /** Rolls a Deployment out to a new image tag: a new ReplicaSet revision. */
  rollout(namespace: string, name: string, image: string) {
    const { dep, info } = this.deployment(namespace, name);
    const now = Date.now();
    info.revision += 1;
    const tag = image.includes(':')
      ? image.slice(image.lastIndexOf(':') + 1)
      : image;
    info.image = image.includes(':')
      ? image.slice(0, image.lastIndexOf(':'))
      : info.image;
    const replicas = dep.spec.replicas;
    dep.metadata.generation = (dep.metadata.generation ?? 1) + 1;
    dep.metadata.annotations!['deployment.kubernetes.io/revision'] = String(
      info.revision,
    );
    dep.spec.template.spec.containers[0].image = `${info.image}:${tag}`;
    dep.spec.template.metadata.labels['app.kubernetes.io/version'] = tag;
    this.put(dep);
    const rs = this.replicaSet(info, tag, info.revision, replicas, now);
    this.put(rs);
    for (let i = 0; i < replicas; i++)
      this.put(this.pod(info, rs, i, 'running', now));
    this.event(
      dep,
      'Normal',
      'ScalingReplicaSet',
      `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`,
      'deployment-controller',
    );
    // Every older ReplicaSet with pods is scaled down (a stuck rollout has two).
    for (const old of this.replicaSetsOf(namespace, name)) {
      if (old.metadata.name === rs.metadata.name || !old.spec.replicas)
        continue;
      const had = old.spec.replicas;
      for (const p of this.podsOf(old)) {
        this.delete(KIND('Pod'), namespace, p.metadata.name);
      }
      old.spec.replicas = 0;
      old.metadata.annotations!['deployment.kubernetes.io/desired-replicas'] =
        '0';
      this.put(old);
      this.event(
        dep,
        'Normal',
        'ScalingReplicaSet',
        `Scaled down replica set ${old.metadata.name} from ${had} to 0`,
        'deployment-controller',
      );
    }
    const fresh = this.get(KIND('Deployment'), namespace, name)!;
    fresh.status.conditions = deploymentConditions(
      true,
      true,
      rs.metadata.name,
      now,
    );
    this.put(fresh);
    this.refreshStatus(namespace, name);
  }

  /** Makes a pod's first container crash: restart, then CrashLoopBackOff. */
  crash(namespace: string, podName: string) {
    const pod = this.get(KIND('Pod'), namespace, podName);
    if (!pod) throw new Error(`pod ${namespace}/${podName} not found`);
    const now = Date.now();
    const cs = pod.status.containerStatuses[0];
    cs.restartCount += 1;
    cs.ready = false;
    cs.started = false;
    cs.lastState = {
      terminated: {
        exitCode: 1,
        reason: 'Error',
        startedAt: cs.state.running?.startedAt ?? kubeTime(now - 60000),
        finishedAt: kubeTime(now),
        containerID: cs.containerID,
      },
    };
    cs.state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off 10s restarting failed container=${cs.name} pod=${podName}_${namespace}(${pod.metadata.uid})`,
      },
    };
    setReady(pod, false, now, `containers with unready status: [${cs.name}]`);
    this.put(pod);
    this.event(
      pod,
      'Warning',
      'BackOff',
      'Back-off restarting failed container',
      'kubelet',
      `spec.containers{${cs.name}}`,
    );
    const owner = pod.metadata.labels?.['backstage.io/kubernetes-id'];
    if (owner) this.refreshStatus(namespace, owner);
  }

  logsFor(
    namespace: string,
    pod: string,
    container: string,
  ): string[] | undefined {
    const p = this.get(KIND('Pod'), namespace, pod);
    if (!p) return undefined;
    const known = this.logs.get(`${namespace}/${pod}/${container}`);
    if (known) return known;
    const start = Date.parse(
      p.status?.startTime ?? p.metadata.creationTimestamp!,
    );
    return defaultLogs(container, start, false);
  }

  // ------------------------------------------------------------------ seeding

  private ensureNamespace(ns: string, created: number, env?: string) {
    if (this.get(KIND('Namespace'), undefined, ns)) return;
    this.put({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        creationTimestamp: kubeTime(created),
        labels: {
          'kubernetes.io/metadata.name': ns,
          ...(env ? { 'paved.dev/environment': env } : {}),
        },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  private seedWorkload(
    w: WorkloadSpec,
    environment: string,
    namespace: string,
    now: number,
  ) {
    const state: WorkloadState = w.state ?? 'healthy';
    const image = `${this.scenario.registry ?? 'registry.local'}/${w.id}`;
    const info: DeploymentInfo = {
      spec: w,
      namespace,
      environment,
      image,
      revision: w.versions.length,
    };
    this.deployments.set(`${namespace}/${w.id}`, info);
    this.ensureNamespace(namespace, now - 200 * DAY, environment);
    const created = now - (20 + w.versions.length * 3) * DAY;
    const current = w.versions[w.versions.length - 1];
    const stuck = state === 'stuck-rollout' && w.versions.length > 1;
    const runningRevision = stuck ? w.versions.length - 1 : w.versions.length;

    const dep = this.deploymentObject(info, current, created);
    this.put(dep);

    // ReplicaSets: one per revision, the older ones scaled to zero.
    let runningRs: KubeObject | undefined;
    let newRs: KubeObject | undefined;
    w.versions.forEach((tag, i) => {
      const revision = i + 1;
      const at = created + i * 3 * DAY;
      let replicas = 0;
      if (revision === runningRevision) replicas = w.replicas;
      if (stuck && revision === w.versions.length) replicas = 1;
      const rs = this.replicaSet(info, tag, revision, replicas, at);
      this.put(rs);
      if (revision === runningRevision) runningRs = rs;
      if (revision === w.versions.length) newRs = rs;
    });

    // Pods.
    const podStart = now - 2 * DAY - (w.id.length % 7) * 3600 * 1000;
    for (let i = 0; i < w.replicas; i++) {
      let ps: PodState = 'running';
      if (state === 'crashloop') ps = 'crashloop';
      if (state === 'oomkilled' && i === 0) ps = 'oomkilled';
      this.put(this.pod(info, runningRs!, i, ps, podStart));
    }
    if (stuck) {
      this.put(this.pod(info, newRs!, 0, 'imagepull', now - 45 * 60 * 1000));
    }
    if (state === 'pending') {
      runningRs!.spec.replicas = w.replicas + 1;
      this.put(runningRs!);
      dep.spec.replicas = w.replicas + 1;
      this.put(dep);
      this.put(
        this.pod(info, runningRs!, w.replicas, 'pending', now - 20 * 60 * 1000),
      );
    }

    // Conditions and status.
    const d = this.get(KIND('Deployment'), namespace, w.id)!;
    d.status.conditions = deploymentConditions(
      state !== 'crashloop',
      !stuck,
      newRs!.metadata.name,
      stuck ? now - 35 * 60 * 1000 : podStart,
    );
    this.put(d);
    this.refreshStatus(namespace, w.id);

    // Service, HPA, PDB, events.
    this.put(this.service(info, created));
    if (w.hpa) this.put(this.hpa(info, created));
    if (w.pdb !== undefined) this.put(this.pdb(info, created));
    this.event(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled up replica set ${newRs!.metadata.name} from 0 to ${
        stuck ? 1 : w.replicas
      }`,
      'deployment-controller',
      undefined,
      stuck ? now - 45 * 60 * 1000 : podStart,
    );
    if (stuck) {
      this.event(
        d,
        'Warning',
        'ProgressDeadlineExceeded',
        `Deployment "${w.id}" has timed out progressing. ReplicaSet "${
          newRs!.metadata.name
        }" has timed out progressing.`,
        'deployment-controller',
        undefined,
        now - 35 * 60 * 1000,
      );
    }
    if (w.logs) {
      for (const p of this.list(KIND('Pod'))) {
        if (
          p.metadata.namespace === namespace &&
          p.metadata.labels?.['backstage.io/kubernetes-id'] === w.id
        ) {
          this.logs.set(`${namespace}/${p.metadata.name}/${w.id}`, w.logs);
        }
      }
    }
  }

  private labels(info: DeploymentInfo): Record<string, string> {
    return {
      app: info.spec.id,
      'app.kubernetes.io/name': info.spec.id,
      'app.kubernetes.io/part-of': info.spec.team,
      'backstage.io/kubernetes-id': info.spec.id,
      'paved.dev/environment': info.environment,
    };
  }

  private container(info: DeploymentInfo, tag: string) {
    const port = info.spec.port ?? 8080;
    return {
      name: info.spec.id,
      image: `${info.image}:${tag}`,
      imagePullPolicy: 'IfNotPresent',
      ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
      env: [{ name: 'PAVED_ENVIRONMENT', value: info.environment }],
      resources: {
        requests: { cpu: '250m', memory: '256Mi' },
        limits: { memory: '512Mi' },
      },
      readinessProbe: {
        httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
        periodSeconds: 10,
        timeoutSeconds: 1,
        successThreshold: 1,
        failureThreshold: 3,
      },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    };
  }

  private template(info: DeploymentInfo, tag: string, hash?: string) {
    return {
      metadata: {
        labels: {
          ...this.labels(info),
          'app.kubernetes.io/version': tag,
          ...(hash ? { 'pod-template-hash': hash } : {}),
        },
      },
      spec: {
        containers: [this.container(info, tag)],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        serviceAccountName: 'default',
        serviceAccount: 'default',
        securityContext: {},
        schedulerName: 'default-scheduler',
      },
    };
  }

  private deploymentObject(
    info: DeploymentInfo,
    tag: string,
    created: number,
  ): KubeObject {
    const w = info.spec;
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: w.id,
        namespace: info.namespace,
        generation: w.versions.length,
        creationTimestamp: kubeTime(created),
        labels: this.labels(info),
        annotations: {
          'deployment.kubernetes.io/revision': String(info.revision),
        },
      },
      spec: {
        replicas: w.replicas,
        selector: { matchLabels: { 'app.kubernetes.io/name': w.id } },
        template: this.template(info, tag),
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
        },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: {},
    };
  }

  private replicaSet(
    info: DeploymentInfo,
    tag: string,
    revision: number,
    replicas: number,
    at: number,
  ): KubeObject {
    const hash = suffix(
      `${this.name}/${info.namespace}/${info.spec.id}/${tag}/${revision}`,
      10,
    );
    const dep = this.get(KIND('Deployment'), info.namespace, info.spec.id)!;
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${info.spec.id}-${hash}`,
        namespace: info.namespace,
        generation: 1,
        creationTimestamp: kubeTime(at),
        labels: {
          ...this.labels(info),
          'app.kubernetes.io/version': tag,
          'pod-template-hash': hash,
        },
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(replicas),
          'deployment.kubernetes.io/max-replicas': String(
            Math.ceil(replicas * 1.25),
          ),
          'deployment.kubernetes.io/revision': String(revision),
        },
        ownerReferences: [ownerRef(dep)],
      },
      spec: {
        replicas,
        selector: {
          matchLabels: {
            'app.kubernetes.io/name': info.spec.id,
            'pod-template-hash': hash,
          },
        },
        template: this.template(info, tag, hash),
      },
      status: { replicas: 0, observedGeneration: 1 },
    };
  }

  private pod(
    info: DeploymentInfo,
    rs: KubeObject,
    index: number,
    state: PodState,
    start: number,
  ): KubeObject {
    this.seq += 1;
    const hash = rs.metadata.labels!['pod-template-hash'];
    const name = `${rs.metadata.name}-${suffix(
      `${rs.metadata.name}/${index}/${this.seq}`,
      5,
    )}`;
    const uid = uidFor(`${this.name}/pod/${info.namespace}/${name}`);
    const node = this.nodeNames[(this.seq + index) % this.nodeNames.length];
    const c = rs.spec.template.spec.containers[0];
    const containerID = `containerd://${uidFor(`${name}/c`).replace(
      /-/g,
      '',
    )}${uidFor(`${name}/d`).replace(/-/g, '').slice(0, 32)}`;
    const imageID = `${c.image.split(':')[0]}@sha256:${uidFor(c.image).replace(
      /-/g,
      '',
    )}${uidFor(`${c.image}/2`).replace(/-/g, '')}`;
    const t = kubeTime(start);
    const scheduled = state !== 'pending';
    const ready = state === 'running' || state === 'oomkilled';
    const cs: Record<string, any> = {
      name: c.name,
      image: c.image,
      imageID,
      containerID,
      ready,
      started: ready,
      restartCount: 0,
      lastState: {},
      state: { running: { startedAt: t } },
    };
    if (state === 'crashloop') {
      cs.restartCount = 40 + index * 3;
      cs.lastState = {
        terminated: {
          exitCode: 1,
          reason: 'Error',
          startedAt: kubeTime(Date.now() - 90000),
          finishedAt: kubeTime(Date.now() - 80000),
          containerID,
        },
      };
      cs.state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off 5m0s restarting failed container=${c.name} pod=${name}_${info.namespace}(${uid})`,
        },
      };
    } else if (state === 'oomkilled') {
      cs.restartCount = 4;
      cs.lastState = {
        terminated: {
          exitCode: 137,
          reason: 'OOMKilled',
          startedAt: t,
          finishedAt: kubeTime(Date.now() - 25 * 60000),
          containerID,
        },
      };
      cs.state = { running: { startedAt: kubeTime(Date.now() - 25 * 60000) } };
    } else if (state === 'imagepull') {
      delete cs.containerID;
      cs.imageID = '';
      cs.state = {
        waiting: {
          reason: 'ImagePullBackOff',
          message: `Back-off pulling image "${c.image}"`,
        },
      };
    }
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        generateName: `${rs.metadata.name}-`,
        namespace: info.namespace,
        uid,
        creationTimestamp: t,
        labels: {
          ...rs.spec.template.metadata.labels,
          'pod-template-hash': hash,
        },
        ownerReferences: [ownerRef(rs)],
      },
      spec: {
        ...rs.spec.template.spec,
        ...(scheduled ? { nodeName: node } : {}),
      },
      status: {
        phase: scheduled ? 'Running' : 'Pending',
        qosClass: 'Burstable',
        ...(scheduled
          ? {
              hostIP: `10.${this.name.length}.${10 + (index % 6)}.${
                20 + ((index * 7) % 200)
              }`,
              podIP: `10.${100 + this.name.length}.${(this.seq * 13) % 250}.${
                (this.seq * 29) % 250
              }`,
              startTime: t,
              containerStatuses: [cs],
            }
          : {}),
        conditions: scheduled
          ? [
              {
                type: 'PodReadyToStartContainers',
                status: 'True',
                lastProbeTime: null,
                lastTransitionTime: t,
              },
              {
                type: 'Initialized',
                status: 'True',
                lastProbeTime: null,
                lastTransitionTime: t,
              },
              ...['Ready', 'ContainersReady'].map(type => ({
                type,
                status: ready ? 'True' : 'False',
                lastProbeTime: null,
                lastTransitionTime: t,
                ...(ready
                  ? {}
                  : {
                      reason: 'ContainersNotReady',
                      message: `containers with unready status: [${c.name}]`,
                    }),
              })),
              {
                type: 'PodScheduled',
                status: 'True',
                lastProbeTime: null,
                lastTransitionTime: t,
              },
            ]
          : [
              {
                type: 'PodScheduled',
                status: 'False',
                lastProbeTime: null,
                lastTransitionTime: t,
                reason: 'Unschedulable',
                message: `0/${this.nodeNames.length} nodes are available: ${this.nodeNames.length} Insufficient memory. preemption: 0/${this.nodeNames.length} nodes are available: ${this.nodeNames.length} No preemption victims found for incoming pod.`,
              },
            ],
      },
    };
    const at = Math.max(start, Date.now() - 10 * 60 * 1000);
    if (state === 'crashloop') {
      this.logs.set(
        `${info.namespace}/${name}/${c.name}`,
        defaultLogs(c.name, Date.now() - 90000, true),
      );
      this.event(
        pod,
        'Warning',
        'BackOff',
        'Back-off restarting failed container',
        'kubelet',
        `spec.containers{${c.name}}`,
        at,
      );
    } else if (state === 'imagepull') {
      this.event(
        pod,
        'Warning',
        'Failed',
        `Failed to pull image "${c.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": not found`,
        'kubelet',
        `spec.containers{${c.name}}`,
        at,
      );
      this.event(
        pod,
        'Normal',
        'BackOff',
        `Back-off pulling image "${c.image}"`,
        'kubelet',
        `spec.containers{${c.name}}`,
        at,
      );
    } else if (state === 'pending') {
      this.event(
        pod,
        'Warning',
        'FailedScheduling',
        pod.status.conditions[0].message,
        'default-scheduler',
        undefined,
        at,
      );
    } else if (state === 'oomkilled') {
      this.event(
        pod,
        'Warning',
        'BackOff',
        'Back-off restarting failed container',
        'kubelet',
        `spec.containers{${c.name}}`,
        at,
      );
    }
    return pod;
  }

  private service(info: DeploymentInfo, created: number): KubeObject {
    this.seq += 1;
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: info.spec.id,
        namespace: info.namespace,
        creationTimestamp: kubeTime(created),
        labels: this.labels(info),
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: `172.20.${(this.seq * 7) % 250}.${(this.seq * 31) % 250}`,
        selector: { 'app.kubernetes.io/name': info.spec.id },
        ports: [
          { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
        ],
        sessionAffinity: 'None',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: {} },
    };
  }

  private hpa(info: DeploymentInfo, created: number): KubeObject {
    const [min, max] = info.spec.hpa!;
    return {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: {
        name: info.spec.id,
        namespace: info.namespace,
        creationTimestamp: kubeTime(created),
        labels: this.labels(info),
      },
      spec: {
        scaleTargetRef: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: info.spec.id,
        },
        minReplicas: min,
        maxReplicas: max,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: 70 },
            },
          },
        ],
      },
      status: {
        currentReplicas: info.spec.replicas,
        desiredReplicas: info.spec.replicas,
        currentMetrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              current: { averageUtilization: 41, averageValue: '103m' },
            },
          },
        ],
        conditions: [
          {
            type: 'AbleToScale',
            status: 'True',
            reason: 'ReadyForNewScale',
            message: 'recommended size matches current size',
            lastTransitionTime: kubeTime(created),
          },
          {
            type: 'ScalingActive',
            status: 'True',
            reason: 'ValidMetricFound',
            message:
              'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
            lastTransitionTime: kubeTime(created),
          },
          {
            type: 'ScalingLimited',
            status: 'False',
            reason: 'DesiredWithinRange',
            message: 'the desired count is within the acceptable range',
            lastTransitionTime: kubeTime(created),
          },
        ],
      },
    };
  }

  private pdb(info: DeploymentInfo, created: number): KubeObject {
    const min = info.spec.pdb!;
    const healthy = info.spec.state === 'crashloop' ? 0 : info.spec.replicas;
    return {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: {
        name: info.spec.id,
        namespace: info.namespace,
        generation: 1,
        creationTimestamp: kubeTime(created),
        labels: this.labels(info),
      },
      spec: {
        minAvailable: min,
        selector: { matchLabels: { 'app.kubernetes.io/name': info.spec.id } },
      },
      status: {
        observedGeneration: 1,
        currentHealthy: healthy,
        desiredHealthy: min,
        disruptionsAllowed: Math.max(0, healthy - min),
        expectedPods: info.spec.replicas,
        conditions: [
          healthy - min > 0
            ? {
                type: 'DisruptionAllowed',
                status: 'True',
                reason: 'SufficientPods',
                message: '',
                observedGeneration: 1,
                lastTransitionTime: kubeTime(created),
              }
            : {
                type: 'DisruptionAllowed',
                status: 'False',
                reason: 'InsufficientPods',
                message: '',
                observedGeneration: 1,
                lastTransitionTime: kubeTime(created),
              },
        ],
      },
    };
  }

  private event(
    obj: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
    fieldPath?: string,
    at: number = Date.now(),
  ) {
    this.seq += 1;
    const t = kubeTime(at);
    this.put({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${obj.metadata.name}.${uidFor(`${this.seq}/${reason}`)
          .replace(/-/g, '')
          .slice(0, 16)}`,
        namespace: obj.metadata.namespace,
        creationTimestamp: t,
      },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source: {
        component,
        ...(component === 'kubelet' && obj.spec?.nodeName
          ? { host: obj.spec.nodeName }
          : {}),
      },
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance:
        component === 'kubelet' ? obj.spec?.nodeName ?? '' : '',
    });
  }

  // ------------------------------------------------------------------ helpers

  private deployment(namespace: string, name: string) {
    const info = this.deployments.get(`${namespace}/${name}`);
    const dep = this.get(KIND('Deployment'), namespace, name);
    if (!info || !dep)
      throw new Error(`deployment ${namespace}/${name} not found`);
    return { info, dep };
  }

  private replicaSetsOf(namespace: string, name: string): KubeObject[] {
    return this.list(KIND('ReplicaSet')).filter(
      rs =>
        rs.metadata.namespace === namespace &&
        rs.metadata.ownerReferences?.[0]?.name === name,
    );
  }

  private replicaSetFor(
    namespace: string,
    name: string,
    revision: number,
  ): KubeObject {
    const rs = this.replicaSetsOf(namespace, name).find(
      r =>
        r.metadata.annotations?.['deployment.kubernetes.io/revision'] ===
        String(revision),
    );
    if (!rs) throw new Error(`no revision ${revision} of ${namespace}/${name}`);
    return rs;
  }

  private podsOf(rs: KubeObject): KubeObject[] {
    return this.list(KIND('Pod')).filter(
      p =>
        p.metadata.namespace === rs.metadata.namespace &&
        p.metadata.ownerReferences?.[0]?.name === rs.metadata.name,
    );
  }

  /** Recomputes ReplicaSet and Deployment status from the pods. */
  private refreshStatus(namespace: string, name: string) {
    const { dep, info } = this.deployment(namespace, name);
    let replicas = 0;
    let ready = 0;
    let updated = 0;
    for (const rs of this.replicaSetsOf(namespace, name)) {
      const pods = this.podsOf(rs);
      const r = pods.filter(isReady).length;
      const status = {
        replicas: pods.length,
        fullyLabeledReplicas: pods.length,
        readyReplicas: r,
        availableReplicas: r,
        observedGeneration: rs.metadata.generation ?? 1,
      };
      if (JSON.stringify(status) !== JSON.stringify(rs.status)) {
        rs.status = status;
        this.put(rs);
      }
      replicas += pods.length;
      ready += r;
      if (
        rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ===
        String(info.revision)
      ) {
        updated = pods.length;
      }
    }
    const conditions = dep.status.conditions ?? [];
    const desired = dep.spec.replicas;
    const available = ready >= desired - Math.floor(desired * 0.25);
    const now = kubeTime(Date.now());
    for (const c of conditions) {
      if (c.type !== 'Available') continue;
      const status = available ? 'True' : 'False';
      if (c.status !== status) {
        c.status = status;
        c.lastTransitionTime = now;
        c.lastUpdateTime = now;
      }
      c.reason = available
        ? 'MinimumReplicasAvailable'
        : 'MinimumReplicasUnavailable';
      c.message = available
        ? 'Deployment has minimum availability.'
        : 'Deployment does not have minimum availability.';
    }
    dep.status = {
      observedGeneration: dep.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(replicas - ready > 0
        ? { unavailableReplicas: replicas - ready }
        : {}),
      conditions,
    };
    this.put(dep);
  }
}

function ownerRef(o: KubeObject) {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    uid: o.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function isReady(p: KubeObject): boolean {
  return (
    p.status?.conditions?.some(
      (c: any) => c.type === 'Ready' && c.status === 'True',
    ) ?? false
  );
}

function setReady(
  pod: KubeObject,
  ready: boolean,
  now: number,
  message: string,
) {
  for (const c of pod.status.conditions ?? []) {
    if (c.type === 'Ready' || c.type === 'ContainersReady') {
      c.status = ready ? 'True' : 'False';
      c.lastTransitionTime = kubeTime(now);
      if (ready) {
        delete c.reason;
        delete c.message;
      } else {
        c.reason = 'ContainersNotReady';
        c.message = message;
      }
    }
  }
}

function deploymentConditions(
  available: boolean,
  progressing: boolean,
  newRs: string,
  at: number,
) {
  const t = kubeTime(at);
  return [
    available
      ? {
          type: 'Available',
          status: 'True',
          lastUpdateTime: t,
          lastTransitionTime: t,
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          lastUpdateTime: t,
          lastTransitionTime: t,
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
    progressing
      ? {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: t,
          lastTransitionTime: t,
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${newRs}" has successfully progressed.`,
        }
      : {
          type: 'Progressing',
          status: 'False',
          lastUpdateTime: t,
          lastTransitionTime: t,
          reason: 'ProgressDeadlineExceeded',
          message: `ReplicaSet "${newRs}" has timed out progressing.`,
        },
  ];
}

export function defaultLogs(
  container: string,
  start: number,
  crashing: boolean,
): string[] {
  const at = (ms: number) => new Date(start + ms).toISOString();
  const lines = [
    `${at(0)} INFO  ${container} starting (node ${process.version.replace(
      /^v/,
      '',
    )})`,
    `${at(420)} INFO  config loaded from /etc/${container}/config.yaml`,
    `${at(910)} INFO  connected to database pool (size=10)`,
  ];
  if (crashing) {
    lines.push(
      `${at(
        1330,
      )} ERROR failed to connect to kafka broker kafka-0.kafka:9092: connect ECONNREFUSED 10.100.3.17:9092`,
      `${at(1331)} ERROR Error: connect ECONNREFUSED 10.100.3.17:9092`,
      `    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)`,
      `${at(1340)} FATAL ${container} exiting with code 1`,
    );
  } else {
    lines.push(`${at(1200)} INFO  listening on :8080`);
    for (let i = 1; i <= 6; i++) {
      lines.push(
        `${at(1200 + i * 15000)} INFO  GET /healthz 200 ${2 + (i % 3)}ms`,
      );
    }
  }
  return lines;
}
