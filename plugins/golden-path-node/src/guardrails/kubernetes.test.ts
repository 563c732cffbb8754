import { CRONJOB, DEPLOYMENT } from '../testUtils';
import { checkKubernetesManifests, imageTag } from './kubernetes';
import { formatFinding } from './types';

const FILE = 'k8s/base/deployment.yaml';

function check(content: string, path = FILE): string[] {
  return checkKubernetesManifests([{ path, content }]).map(formatFinding);
}

/** The clean deployment with one text replacement, which must apply. */
function deploymentWith(search: string | RegExp, replacement: string): string {
  const changed = DEPLOYMENT.replace(search, replacement);
  expect(changed).not.toBe(DEPLOYMENT);
  return changed;
}

describe('checkKubernetesManifests', () => {
  it('passes a workload that follows every rule', () => {
    expect(check(DEPLOYMENT)).toEqual([]);
    expect(check(CRONJOB, 'k8s/base/cronjob.yaml')).toEqual([]);
  });

  it('reports missing limits with the file, line and what to set', () => {
    const manifest = deploymentWith(
      /\n {12}limits:\n {14}cpu: 500m\n {14}memory: 256Mi/,
      '',
    );
    expect(check(manifest)).toEqual([
      "k8s/base/deployment.yaml:21: container 'app' in Deployment 'payments-api' has no resources.limits — set cpu and memory limits",
    ]);
  });

  it('names the one missing request', () => {
    const manifest = deploymentWith(/\n {14}memory: 128Mi/, '');
    expect(check(manifest)).toEqual([
      expect.stringContaining(
        'has no resources.requests.memory — set cpu and memory requests',
      ),
    ]);
  });

  it('requires readiness and liveness probes on long-running workloads', () => {
    const manifest = deploymentWith(
      /\n {10}readinessProbe:\n.*\n {10}livenessProbe:\n.*/,
      '',
    );
    expect(check(manifest)).toEqual([
      expect.stringContaining(
        'has no readinessProbe — add one so traffic only reaches ready pods',
      ),
      expect.stringContaining('has no livenessProbe'),
    ]);
  });

  it('does not require probes on a CronJob or Job', () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  labels: { backstage.io/kubernetes-id: payments-api }
spec:
  template:
    metadata:
      labels: { backstage.io/kubernetes-id: payments-api }
    spec:
      securityContext: { runAsNonRoot: true }
      containers:
        - name: migrate
          image: ghcr.io/fernhill/payments-api:1.0.0
          resources:
            requests: { cpu: 50m, memory: 64Mi }
            limits: { cpu: 200m, memory: 128Mi }
`;
    expect(check(job)).toEqual([]);
    expect(check(CRONJOB)).toEqual([]);
  });

  it('requires runAsNonRoot on the pod or the container', () => {
    const none = deploymentWith(
      /\n {6}securityContext:\n {8}runAsNonRoot: true/,
      '',
    );
    expect(check(none)).toEqual([
      expect.stringContaining(
        "container 'app' in Deployment 'payments-api' does not set securityContext.runAsNonRoot: true",
      ),
    ]);

    // The container's own setting overrides the pod's.
    const overridden = deploymentWith(
      '          image:',
      '          securityContext:\n            runAsNonRoot: false\n          image:',
    );
    expect(check(overridden)).toEqual([
      expect.stringContaining('does not set securityContext.runAsNonRoot'),
    ]);
  });

  it.each([
    ['ghcr.io/fernhill/payments-api:latest', 'with the :latest tag'],
    ['ghcr.io/fernhill/payments-api', 'without a tag'],
    ['registry.local:5000/payments-api', 'without a tag'],
  ])('rejects the image %s', (image, problem) => {
    const manifest = deploymentWith(
      'ghcr.io/fernhill/payments-api:1.0.0',
      image,
    );
    expect(check(manifest)).toEqual([
      expect.stringContaining(
        `uses image '${image}' ${problem} — pin a version tag or digest`,
      ),
    ]);
  });

  it('requires the kubernetes-id label on the workload and its pods, with one value', () => {
    const workloadLabel = deploymentWith(
      /\n {2}labels:\n {4}backstage\.io\/kubernetes-id: payments-api/,
      '',
    );
    expect(check(workloadLabel)).toEqual([
      "k8s/base/deployment.yaml:4: Deployment 'payments-api' has no 'backstage.io/kubernetes-id' label — add it to metadata.labels so the portal finds the workload",
    ]);

    const podLabel = deploymentWith(
      /\n {8}backstage\.io\/kubernetes-id: payments-api/,
      '',
    );
    expect(check(podLabel)).toEqual([
      expect.stringContaining(
        "has no 'backstage.io/kubernetes-id' label on its pod template — add it to spec.template.metadata.labels",
      ),
    ]);

    const mismatch = deploymentWith(
      /(\n {8}backstage\.io\/kubernetes-id:) payments-api/,
      '$1 payments',
    );
    expect(check(mismatch)).toEqual([
      "k8s/base/deployment.yaml:16: Deployment 'payments-api' has 'backstage.io/kubernetes-id' 'payments-api' but its pod template has 'payments' — use the same value on both",
    ]);
  });

  it('checks the pod template of a CronJob', () => {
    const cronJob = CRONJOB.replace(
      /\n {10}labels:\n {12}backstage\.io\/kubernetes-id: payments-api/,
      '',
    );
    expect(check(cronJob, 'k8s/base/cronjob.yaml')).toEqual([
      expect.stringContaining(
        'add it to spec.jobTemplate.spec.template.metadata.labels',
      ),
    ]);
  });

  it('checks every document of a multi-document file and points at the right one', () => {
    const second = DEPLOYMENT.split('---')[0]
      .replace(/name: payments-api\n/, 'name: payments-worker\n')
      .replace(':1.0.0', ':latest');
    const findings = check(`${DEPLOYMENT}---\n${second}`);
    expect(findings).toEqual([
      expect.stringMatching(
        /^k8s\/base\/deployment\.yaml:(\d+): container 'app' in Deployment 'payments-worker' uses image .* with the :latest tag/,
      ),
    ]);
    const line = Number(/:(\d+):/.exec(findings[0])![1]);
    expect(line).toBeGreaterThan(DEPLOYMENT.split('\n').length);
  });

  it('ignores YAML that is not a workload and reports YAML it cannot read', () => {
    expect(check('apiVersion: v1\nkind: ConfigMap\ndata: {}\n')).toEqual([]);
    expect(check('mkdocs: [unclosed\n', 'mkdocs.yml')).toEqual([
      expect.stringMatching(/^mkdocs\.yml:\d+: is not valid YAML/),
    ]);
    expect(check('kind: Deployment', 'notes.txt')).toEqual([]);
  });
});

describe('imageTag', () => {
  it('reads tags, digests and untagged references', () => {
    expect(imageTag('nginx')).toBeUndefined();
    expect(imageTag('nginx:1.27')).toBe('1.27');
    expect(imageTag('localhost:5000/team/app')).toBeUndefined();
    expect(imageTag('localhost:5000/team/app:2')).toBe('2');
    expect(imageTag('app@sha256:abc')).toBeNull();
  });
});
