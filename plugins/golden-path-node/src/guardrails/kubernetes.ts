import { Document } from 'yaml';
import { Finding, WorkspaceFile } from './types';
import { isRecord, isYamlFile, ParsedYaml, parseYamlFile, toJS } from './yaml';

/** The label (and catalog annotation) the Kubernetes plugin matches workloads by. */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

/** Workload kinds and the path from the workload to its pod template. */
const WORKLOAD_POD_TEMPLATE = new Map<string, string[]>([
  ['Deployment', ['spec', 'template']],
  ['StatefulSet', ['spec', 'template']],
  ['DaemonSet', ['spec', 'template']],
  ['Job', ['spec', 'template']],
  ['CronJob', ['spec', 'jobTemplate', 'spec', 'template']],
]);

/** Run-to-completion workloads need no readiness or liveness probes. */
const WITHOUT_PROBES = new Set(['Job', 'CronJob']);

function get(value: unknown, path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (Array.isArray(current) && typeof key === 'number') {
      current = current[key];
    } else if (isRecord(current) && typeof key === 'string') {
      current = current[key];
    } else {
      return undefined;
    }
  }
  return current;
}

function hasValue(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** The tag of an image reference, `undefined` when untagged, `null` when pinned by digest. */
export function imageTag(image: string): string | undefined | null {
  if (image.includes('@')) {
    return null;
  }
  // A registry port (`registry:5000/app`) is not a tag: only the last path segment counts.
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon === -1 ? undefined : lastSegment.slice(colon + 1);
}

function checkResources(
  container: Record<string, unknown>,
  kind: 'requests' | 'limits',
): string | undefined {
  const values = get(container, ['resources', kind]);
  const missing = ['cpu', 'memory'].filter(
    resource => !hasValue(get(values, [resource])),
  );
  if (missing.length === 0) {
    return undefined;
  }
  const field =
    missing.length === 2
      ? `resources.${kind}`
      : `resources.${kind}.${missing[0]}`;
  return `has no ${field} — set cpu and memory ${kind}`;
}

function checkWorkload(
  file: WorkspaceFile,
  parsed: ParsedYaml,
  doc: Document.Parsed,
  workload: Record<string, unknown>,
  kind: string,
  templatePath: string[],
): Finding[] {
  const findings: Finding[] = [];
  const name = String(get(workload, ['metadata', 'name']) ?? '(unnamed)');
  const subject = `${kind} '${name}'`;
  const docLine = parsed.lineOf(doc.contents);
  const add = (message: string, path?: (string | number)[]) =>
    findings.push({
      check: 'kubernetes',
      file: file.path,
      line: path ? parsed.lineOf(doc.getIn(path, true), docLine) : docLine,
      message,
    });

  const workloadId = get(workload, ['metadata', 'labels', KUBERNETES_ID_LABEL]);
  const podId = get(workload, [
    ...templatePath,
    'metadata',
    'labels',
    KUBERNETES_ID_LABEL,
  ]);
  if (!hasValue(workloadId)) {
    add(
      `${subject} has no '${KUBERNETES_ID_LABEL}' label — add it to metadata.labels so the portal finds the workload`,
      ['metadata'],
    );
  }
  if (!hasValue(podId)) {
    add(
      `${subject} has no '${KUBERNETES_ID_LABEL}' label on its pod template — add it to ${templatePath.join(
        '.',
      )}.metadata.labels so the portal finds the pods`,
      templatePath,
    );
  }
  if (hasValue(workloadId) && hasValue(podId) && workloadId !== podId) {
    add(
      `${subject} has '${KUBERNETES_ID_LABEL}' '${workloadId}' but its pod template has '${podId}' — use the same value on both`,
      [...templatePath, 'metadata', 'labels', KUBERNETES_ID_LABEL],
    );
  }

  const podSpecPath = [...templatePath, 'spec'];
  const podSpec = get(workload, podSpecPath);
  if (!isRecord(podSpec)) {
    add(
      `${subject} has no pod template (${podSpecPath.join(
        '.',
      )}) — define its containers`,
    );
    return findings;
  }
  const podNonRoot = get(podSpec, ['securityContext', 'runAsNonRoot']);

  const groups: Array<{ field: string; probes: boolean }> = [
    { field: 'containers', probes: !WITHOUT_PROBES.has(kind) },
    // Init containers run to completion: probes do not apply to them.
    { field: 'initContainers', probes: false },
  ];
  for (const { field, probes } of groups) {
    const containers = podSpec[field];
    if (
      field === 'containers' &&
      (!Array.isArray(containers) || !containers.length)
    ) {
      add(`${subject} has no containers — define at least one`, podSpecPath);
      continue;
    }
    if (!Array.isArray(containers)) {
      continue;
    }
    containers.forEach((container: unknown, index) => {
      const path = [...podSpecPath, field, index];
      if (!isRecord(container)) {
        return;
      }
      const label = `${
        field === 'initContainers' ? 'init container' : 'container'
      } '${String(container.name ?? index)}' in ${subject}`;
      const problems: string[] = [];

      for (const kindOfResource of ['requests', 'limits'] as const) {
        const problem = checkResources(container, kindOfResource);
        if (problem) problems.push(problem);
      }
      if (probes) {
        if (!isRecord(container.readinessProbe)) {
          problems.push(
            'has no readinessProbe — add one so traffic only reaches ready pods',
          );
        }
        if (!isRecord(container.livenessProbe)) {
          problems.push(
            'has no livenessProbe — add one so Kubernetes restarts a stuck container',
          );
        }
      }
      // The container's setting overrides the pod's.
      const containerNonRoot = get(container, [
        'securityContext',
        'runAsNonRoot',
      ]);
      const nonRoot =
        containerNonRoot === undefined ? podNonRoot : containerNonRoot;
      if (nonRoot !== true) {
        problems.push(
          'does not set securityContext.runAsNonRoot: true (on the container or the pod) — run it as a non-root user',
        );
      }
      const image = container.image;
      if (typeof image !== 'string' || !image) {
        problems.push('has no image — set a pinned image');
      } else {
        const tag = imageTag(image);
        if (tag === undefined) {
          problems.push(
            `uses image '${image}' without a tag — pin a version tag or digest`,
          );
        } else if (tag === 'latest') {
          problems.push(
            `uses image '${image}' with the :latest tag — pin a version tag or digest`,
          );
        }
      }
      for (const problem of problems) {
        add(`${label} ${problem}`, path);
      }
    });
  }
  return findings;
}

/**
 * Kubernetes workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob) in
 * every YAML document: resources, probes, non-root, pinned images and the
 * `backstage.io/kubernetes-id` label on the workload and its pods.
 */
export function checkKubernetesManifests(files: WorkspaceFile[]): Finding[] {
  const findings: Finding[] = [];
  for (const file of files.filter(f => isYamlFile(f.path))) {
    const { parsed, finding } = parseYamlFile(file, 'kubernetes');
    if (finding) {
      findings.push(finding);
      continue;
    }
    for (const doc of parsed!.documents) {
      const workload = toJS(doc);
      if (
        !isRecord(workload) ||
        typeof workload.apiVersion !== 'string' ||
        typeof workload.kind !== 'string'
      ) {
        continue;
      }
      const templatePath = WORKLOAD_POD_TEMPLATE.get(workload.kind);
      if (templatePath) {
        findings.push(
          ...checkWorkload(
            file,
            parsed!,
            doc,
            workload,
            workload.kind,
            templatePath,
          ),
        );
      }
    }
  }
  return findings;
}
