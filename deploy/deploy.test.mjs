// The Kubernetes manifests in deploy/: each overlay renders with
// `kubectl kustomize`, every rendered object is valid against the
// Kubernetes schemas (kubernetes-models) with no unknown fields, the
// ExternalSecret against the External Secrets Operator's v1 CRD, and the
// properties README.md promises hold (replicas, probes, security, RBAC,
// every setting the app's configuration reads). Run by `./paved test`:
//   node --test deploy/deploy.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const ts = require('typescript');

const environments = ['staging', 'production'];

/** The objects `kubectl kustomize` renders for an overlay. */
function render(environment) {
  let output;
  try {
    output = execFileSync(
      'kubectl',
      ['kustomize', join(root, 'deploy', 'overlays', environment)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    throw new Error(
      error.code === 'ENOENT'
        ? 'kubectl is not installed: these tests render the overlays with `kubectl kustomize` (kubectl 1.27 or later)'
        : `kubectl kustomize deploy/overlays/${environment} failed: ${error.stderr}`,
    );
  }
  return parseAllDocuments(output).map(document => {
    assert.deepEqual(document.errors, [], `kustomize output of ${environment}`);
    return document.toJS();
  });
}

const label = object =>
  `${object.kind}/${object.metadata?.name ?? '(no name)'}`;

function only(objects, kind) {
  const found = objects.filter(object => object.kind === kind);
  assert.equal(found.length, 1, `exactly one ${kind}`);
  return found[0];
}

// ---------------------------------------------------------------------------
// Schemas

/**
 * Validates against the Kubernetes OpenAPI schemas that kubernetes-models
 * compiles: types, required fields, enums and formats.
 */
async function schemaProblems(object) {
  let models;
  try {
    models = await import(`kubernetes-models/${object.apiVersion}`);
  } catch {
    return [`${label(object)}: unknown apiVersion ${object.apiVersion}`];
  }
  const Model = models[object.kind];
  if (!Model) {
    return [`${label(object)}: unknown kind in ${object.apiVersion}`];
  }
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [`${label(object)}: ${error.message}`];
  }
}

/**
 * The compiled schemas accept fields they do not know (a typo such as
 * `readOnlyRootFileSystem` would pass and be dropped by the API server),
 * so each object is also type-checked as an object literal of its
 * kubernetes-models interface: TypeScript rejects unknown properties at
 * any depth. Returns one message per problem, naming the object.
 */
function unknownFieldProblems(objects) {
  const lines = [];
  const objectOfLine = [];
  objects.forEach((object, index) => {
    lines.push(
      `import type { I${object.kind} as T${index} } from 'kubernetes-models/${object.apiVersion}/${object.kind}';`,
    );
    objectOfLine.push(object);
    lines.push(
      `export const o${index}: T${index} = ${JSON.stringify(object)};`,
    );
    objectOfLine.push(object);
  });
  // Not written to disk: the compiler host serves it, and module
  // resolution starts from deploy/ so it finds the root node_modules.
  const fileName = join(root, 'deploy', '__rendered__.ts');
  const source = lines.join('\n');
  const options = {
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === fileName
      ? ts.createSourceFile(name, source, language)
      : getSourceFile(name, language, ...rest);
  host.fileExists = name => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program).map(diagnostic => {
    const message = ts.flattenDiagnosticMessageText(
      diagnostic.messageText,
      ' ',
    );
    if (diagnostic.file?.fileName !== fileName) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(
      diagnostic.start,
    );
    return `${label(objectOfLine[line])}: ${message}`;
  });
}

// The External Secrets Operator's ExternalSecret is not in kubernetes-models.
// These rules follow its v1 CRD (external-secrets.io_externalsecrets.yaml,
// version v1): the fields it defines, their enums and patterns, and the
// required ones (data[].secretKey, data[].remoteRef.key).
const dnsSubdomain =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const secretKeyPattern = /^[-._a-zA-Z0-9]+$/;
const goDuration = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const externalSecretFields = {
  spec: [
    'data',
    'dataFrom',
    'refreshInterval',
    'refreshPolicy',
    'secretStoreRef',
    'syncWindows',
    'target',
  ],
  secretStoreRef: ['kind', 'name'],
  target: [
    'creationPolicy',
    'deletionPolicy',
    'immutable',
    'manifest',
    'name',
    'template',
  ],
  data: ['secretKey', 'remoteRef', 'sourceRef'],
  remoteRef: [
    'key',
    'property',
    'version',
    'conversionStrategy',
    'decodingStrategy',
    'metadataPolicy',
    'nullBytePolicy',
  ],
};
const externalSecretEnums = {
  'spec.refreshPolicy': ['CreatedOnce', 'Periodic', 'OnChange'],
  'spec.secretStoreRef.kind': ['SecretStore', 'ClusterSecretStore'],
  'spec.target.creationPolicy': [
    'Owner',
    'Orphan',
    'Merge',
    'None',
    'CreateOrMerge',
  ],
  'spec.target.deletionPolicy': ['Delete', 'Merge', 'Retain'],
  'remoteRef.conversionStrategy': ['Default', 'Unicode'],
  'remoteRef.decodingStrategy': ['Auto', 'Base64', 'Base64URL', 'None'],
  'remoteRef.metadataPolicy': ['None', 'Fetch'],
  'remoteRef.nullBytePolicy': ['Ignore', 'Fail'],
};

function externalSecretProblems(object) {
  const problems = [];
  const at = path => `${label(object)}: ${path}`;
  const isObject = value =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  const knownFields = (value, path, fields) => {
    for (const key of Object.keys(value)) {
      if (!fields.includes(key)) problems.push(at(`${path}.${key} is unknown`));
    }
  };
  const oneOf = (value, path, enumKey) => {
    if (value !== undefined && !externalSecretEnums[enumKey].includes(value)) {
      problems.push(
        at(`${path} must be one of ${externalSecretEnums[enumKey]}`),
      );
    }
  };

  if (object.apiVersion !== 'external-secrets.io/v1') {
    problems.push(at(`apiVersion must be external-secrets.io/v1`));
  }
  if (!dnsSubdomain.test(object.metadata?.name ?? '')) {
    problems.push(at('metadata.name must be a DNS subdomain'));
  }
  const spec = object.spec;
  if (!isObject(spec)) return [...problems, at('spec is required')];
  knownFields(spec, 'spec', externalSecretFields.spec);
  if (
    spec.refreshInterval !== undefined &&
    !goDuration.test(spec.refreshInterval)
  ) {
    problems.push(at('spec.refreshInterval must be a duration such as 1h'));
  }
  oneOf(spec.refreshPolicy, 'spec.refreshPolicy', 'spec.refreshPolicy');

  const store = spec.secretStoreRef;
  if (!isObject(store)) {
    problems.push(
      at('spec.secretStoreRef is required (no data item names its own store)'),
    );
  } else {
    knownFields(
      store,
      'spec.secretStoreRef',
      externalSecretFields.secretStoreRef,
    );
    oneOf(store.kind, 'spec.secretStoreRef.kind', 'spec.secretStoreRef.kind');
    if (!dnsSubdomain.test(store.name ?? '')) {
      problems.push(at('spec.secretStoreRef.name must be a DNS subdomain'));
    }
  }

  const target = spec.target;
  if (target !== undefined) {
    if (!isObject(target)) {
      problems.push(at('spec.target must be an object'));
    } else {
      knownFields(target, 'spec.target', externalSecretFields.target);
      oneOf(
        target.creationPolicy,
        'spec.target.creationPolicy',
        'spec.target.creationPolicy',
      );
      oneOf(
        target.deletionPolicy,
        'spec.target.deletionPolicy',
        'spec.target.deletionPolicy',
      );
      if (target.name !== undefined && !dnsSubdomain.test(target.name)) {
        problems.push(at('spec.target.name must be a DNS subdomain'));
      }
    }
  }

  if (spec.data === undefined && spec.dataFrom === undefined) {
    problems.push(
      at('spec.data or spec.dataFrom is required, or the Secret is empty'),
    );
  }
  if (spec.data !== undefined && !Array.isArray(spec.data)) {
    problems.push(at('spec.data must be an array'));
  }
  const seen = new Set();
  (Array.isArray(spec.data) ? spec.data : []).forEach((item, index) => {
    const path = `spec.data[${index}]`;
    if (!isObject(item)) {
      problems.push(at(`${path} must be an object`));
      return;
    }
    knownFields(item, path, externalSecretFields.data);
    const key = item.secretKey;
    if (
      typeof key !== 'string' ||
      key.length < 1 ||
      key.length > 253 ||
      !secretKeyPattern.test(key)
    ) {
      problems.push(
        at(`${path}.secretKey is required and must match ${secretKeyPattern}`),
      );
    } else if (seen.has(key)) {
      problems.push(at(`${path}.secretKey ${key} is listed twice`));
    }
    seen.add(key);
    const ref = item.remoteRef;
    if (!isObject(ref)) {
      problems.push(at(`${path}.remoteRef is required`));
      return;
    }
    knownFields(ref, `${path}.remoteRef`, externalSecretFields.remoteRef);
    if (typeof ref.key !== 'string' || ref.key === '') {
      problems.push(at(`${path}.remoteRef.key is required`));
    }
    for (const field of [
      'conversionStrategy',
      'decodingStrategy',
      'metadataPolicy',
      'nullBytePolicy',
    ]) {
      oneOf(ref[field], `${path}.remoteRef.${field}`, `remoteRef.${field}`);
    }
  });
  return problems;
}

describe('the validators', () => {
  test('reject an ExternalSecret the CRD would refuse', () => {
    const problems = externalSecretProblems({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'broken' },
      spec: {
        secretStoreRef: { kind: 'Vault', name: 'paved' },
        target: { name: 'paved', creationPolicy: 'Always' },
        data: [{ secretKey: 'A KEY', remoteRef: { propery: 'x' } }],
      },
    });
    assert.deepEqual(problems, [
      'ExternalSecret/broken: spec.secretStoreRef.kind must be one of SecretStore,ClusterSecretStore',
      'ExternalSecret/broken: spec.target.creationPolicy must be one of Owner,Orphan,Merge,None,CreateOrMerge',
      `ExternalSecret/broken: spec.data[0].secretKey is required and must match ${secretKeyPattern}`,
      'ExternalSecret/broken: spec.data[0].remoteRef.propery is unknown',
      'ExternalSecret/broken: spec.data[0].remoteRef.key is required',
    ]);
  });

  const deploymentWith = container => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'broken' },
    spec: {
      selector: { matchLabels: { app: 'x' } },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: { containers: [{ name: 'x', ...container }] },
      },
    },
  });

  test('reject a Kubernetes object of the wrong type', async () => {
    const problems = await schemaProblems(
      deploymentWith({ ports: [{ containerPort: 'http' }] }),
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0], /containerPort must be integer/);
  });

  test('reject a Kubernetes object with a field its schema does not know', () => {
    const problems = unknownFieldProblems([
      deploymentWith({ securityContext: { readOnlyRootFileSystem: true } }),
    ]);
    assert.equal(problems.length, 1);
    assert.match(
      problems[0],
      /^Deployment\/broken: .*readOnlyRootFileSystem.* does not exist in type 'ISecurityContext'/,
    );
  });
});

// ---------------------------------------------------------------------------
// What the app needs

/** The config files the image's CMD loads (packages/backend/Dockerfile). */
function imageConfigFiles() {
  const dockerfile = readFileSync(
    join(root, 'packages', 'backend', 'Dockerfile'),
    'utf8',
  );
  const cmd = dockerfile.match(/^CMD\s+(\[.*\])\s*$/m);
  assert.ok(cmd, 'the Dockerfile has an exec-form CMD');
  const args = JSON.parse(cmd[1]);
  const files = args.filter((_, index) => args[index - 1] === '--config');
  assert.ok(files.includes('app-config.production.yaml'), String(files));
  return files;
}

/** Every ${NAME} (or ${NAME:-default}) a config file substitutes. */
function referencedVariables(file) {
  const names = new Set();
  const visit = value => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(
        /(?<!\$)\$\{\s*([A-Za-z_][A-Za-z0-9_]*)/g,
      )) {
        names.add(match[1]);
      }
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(visit);
    }
  };
  visit(parse(readFileSync(join(root, file), 'utf8')));
  return names;
}

/** The kube-status cache's resource types: { group, resource }. */
function kubeStatusResources() {
  const source = readFileSync(
    join(root, 'plugins/kube-status-backend/src/cache/resources.ts'),
    'utf8',
  );
  const list = source.slice(source.indexOf('CACHED_RESOURCES'));
  const found = [...list.matchAll(/name:\s*'([a-z]+)',\s*path:\s*'([^']+)'/g)];
  assert.ok(found.length >= 5, 'resources.ts lists the cached types');
  return found.map(([, resource, path]) => {
    const parts = path.split('/').filter(Boolean);
    return { resource, group: parts[0] === 'api' ? '' : parts[1] };
  });
}

// ---------------------------------------------------------------------------
// The overlays

for (const environment of environments) {
  describe(`deploy/overlays/${environment}`, () => {
    const objects = render(environment);
    const deployment = only(objects, 'Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers.find(c => c.name === 'backend');
    const namespace = only(objects, 'Namespace').metadata.name;

    test('every object is valid against its schema', async () => {
      const problems = [];
      for (const object of objects) {
        problems.push(
          ...(object.apiVersion.startsWith('external-secrets.io/')
            ? externalSecretProblems(object)
            : await schemaProblems(object)),
        );
      }
      assert.deepEqual(problems, []);
    });

    test('no object has a field its schema does not know', () => {
      const kubernetesObjects = objects.filter(
        object => !object.apiVersion.startsWith('external-secrets.io/'),
      );
      assert.deepEqual(unknownFieldProblems(kubernetesObjects), []);
    });

    test('every namespaced object is in the namespace, which enforces the restricted Pod Security Standard', () => {
      const clusterScoped = ['Namespace', 'ClusterRole', 'ClusterRoleBinding'];
      for (const object of objects) {
        if (clusterScoped.includes(object.kind)) continue;
        assert.equal(object.metadata.namespace, namespace, label(object));
      }
      const labels = only(objects, 'Namespace').metadata.labels;
      assert.equal(labels['pod-security.kubernetes.io/enforce'], 'restricted');
    });

    test('two or more replicas, also under the autoscaler and the disruption budget', () => {
      assert.ok(deployment.spec.replicas >= 2, 'Deployment replicas');
      const hpa = only(objects, 'HorizontalPodAutoscaler');
      assert.deepEqual(hpa.spec.scaleTargetRef, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: deployment.metadata.name,
      });
      assert.ok(hpa.spec.minReplicas >= 2, 'HPA minReplicas');
      assert.ok(hpa.spec.maxReplicas >= hpa.spec.minReplicas);
      const pdb = only(objects, 'PodDisruptionBudget');
      assert.ok(pdb.spec.minAvailable >= 1, 'PDB minAvailable');
      assert.ok(
        pdb.spec.minAvailable < hpa.spec.minReplicas,
        'a drain can evict one pod',
      );
      assert.deepEqual(pdb.spec.selector, deployment.spec.selector);
    });

    test('the rollout replaces one pod at a time and never goes below the running count', () => {
      assert.deepEqual(deployment.spec.strategy, {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      });
    });

    test('probes on the Backstage health endpoints, with a startup budget for migrations', () => {
      const { startupProbe, readinessProbe, livenessProbe } = container;
      assert.equal(
        readinessProbe.httpGet.path,
        '/.backstage/health/v1/readiness',
      );
      assert.equal(
        livenessProbe.httpGet.path,
        '/.backstage/health/v1/liveness',
      );
      // Startup passes only once every plugin has started, i.e. migrated.
      assert.equal(
        startupProbe.httpGet.path,
        '/.backstage/health/v1/readiness',
      );
      for (const probe of [startupProbe, readinessProbe, livenessProbe]) {
        assert.equal(probe.httpGet.port, 'http');
      }
      const startupBudget =
        startupProbe.periodSeconds * startupProbe.failureThreshold;
      assert.ok(startupBudget >= 300, `startup budget ${startupBudget} s`);
      assert.ok(
        deployment.spec.progressDeadlineSeconds > startupBudget,
        'a slow migration is not reported as a failed rollout',
      );
      const port = container.ports.find(p => p.name === 'http');
      assert.equal(port.containerPort, 7007);
    });

    test('non-root, read-only root filesystem, no capabilities, no privilege escalation', () => {
      // The image's USER node is uid 1000 (packages/backend/Dockerfile).
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(pod.securityContext.runAsUser, 1000);
      assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const context = c.securityContext;
        assert.equal(context.runAsNonRoot, true, c.name);
        assert.equal(context.readOnlyRootFilesystem, true, c.name);
        assert.equal(context.allowPrivilegeEscalation, false, c.name);
        assert.deepEqual(context.capabilities.drop, ['ALL'], c.name);
        assert.equal(context.capabilities.add, undefined, c.name);
        assert.equal(context.privileged, undefined, c.name);
      }
      assert.equal(pod.hostNetwork, undefined);
      assert.equal(pod.hostPID, undefined);
      // The one place the backend writes (os.tmpdir()) is a volume.
      const tmp = container.volumeMounts.find(m => m.mountPath === '/tmp');
      const volume = pod.volumes.find(v => v.name === tmp?.name);
      assert.ok(volume?.emptyDir, '/tmp is an emptyDir');
    });

    test('requests and limits for CPU and memory, and a heap that fits the limit', () => {
      for (const c of pod.containers) {
        for (const kind of ['requests', 'limits']) {
          for (const resource of ['cpu', 'memory']) {
            assert.ok(
              c.resources?.[kind]?.[resource],
              `${c.name} ${kind}.${resource}`,
            );
          }
        }
      }
      const config = only(objects, 'ConfigMap').data;
      const heapMiB = Number(
        config.NODE_OPTIONS.match(/--max-old-space-size=(\d+)/)[1],
      );
      const limit = container.resources.limits.memory.match(/^(\d+)(Mi|Gi)$/);
      const limitMiB = Number(limit[1]) * (limit[2] === 'Gi' ? 1024 : 1);
      assert.ok(
        heapMiB <= limitMiB * 0.8,
        `heap ${heapMiB} MiB, limit ${limitMiB} MiB`,
      );
    });

    test('the image is a pinned build, not the base placeholder or latest', () => {
      const image = container.image;
      assert.notEqual(image, 'paved-backend');
      const pinned =
        /@sha256:[0-9a-f]{64}$/.test(image) || /:[^/:]+$/.test(image);
      assert.ok(pinned, `${image} has a tag or digest`);
      assert.doesNotMatch(image, /:latest$/);
    });

    test('every variable the configuration reads is provided, secrets from the ExternalSecret', () => {
      const configMap = only(objects, 'ConfigMap');
      const externalSecret = only(objects, 'ExternalSecret');
      const secretName =
        externalSecret.spec.target?.name ?? externalSecret.metadata.name;
      // The container reads exactly these two as its environment.
      assert.deepEqual(container.envFrom, [
        { configMapRef: { name: configMap.metadata.name } },
        { secretRef: { name: secretName } },
      ]);
      const fromConfig = new Set(Object.keys(configMap.data));
      const fromSecret = new Set(
        externalSecret.spec.data.map(d => d.secretKey),
      );
      const both = [...fromConfig].filter(name => fromSecret.has(name));
      assert.deepEqual(both, [], 'a variable comes from one place only');

      const missing = [];
      for (const file of imageConfigFiles()) {
        for (const name of referencedVariables(file)) {
          if (!fromConfig.has(name) && !fromSecret.has(name)) {
            missing.push(`${name} (${file})`);
          }
        }
      }
      assert.deepEqual(missing, [], 'variables no manifest provides');
      // The shared cache (Redis) the replicas need, whether or not the
      // configuration reads it yet.
      assert.ok(fromSecret.has('REDIS_URL'), 'REDIS_URL');
      const secretLooking = [...fromConfig].filter(name =>
        /PASSWORD|SECRET|TOKEN/.test(name),
      );
      assert.deepEqual(secretLooking, [], 'secrets are not in the ConfigMap');
      const baseUrl = new URL(configMap.data.PAVED_BASE_URL);
      assert.equal(baseUrl.protocol, 'https:');
      const ingress = only(objects, 'Ingress');
      assert.equal(
        ingress.spec.rules[0].host,
        baseUrl.host,
        'Ingress host = PAVED_BASE_URL',
      );
      assert.deepEqual(ingress.spec.tls[0].hosts, [baseUrl.host]);
    });

    test('the ClusterRole only reads, and covers what the Kubernetes plugins read', () => {
      const role = only(objects, 'ClusterRole');
      for (const rule of role.rules) {
        const extra = rule.verbs.filter(
          verb => !['get', 'list', 'watch'].includes(verb),
        );
        assert.deepEqual(extra, [], `verbs on ${rule.resources}`);
        assert.ok(
          !rule.resources.includes('*') && !rule.apiGroups.includes('*'),
        );
        assert.ok(!rule.resources.includes('secrets'), 'no secrets');
      }
      const allows = (group, resource, verb) =>
        role.rules.some(
          rule =>
            rule.apiGroups.includes(group) &&
            rule.resources.includes(resource) &&
            rule.verbs.includes(verb),
        );
      for (const { group, resource } of kubeStatusResources()) {
        for (const verb of ['get', 'list', 'watch']) {
          assert.ok(
            allows(group, resource, verb),
            `${verb} ${group}/${resource}`,
          );
        }
      }
      // The official plugin's pod logs and services.
      assert.ok(allows('', 'pods/log', 'get'), 'get pods/log');
      assert.ok(allows('', 'services', 'list'), 'list services');

      const binding = only(objects, 'ClusterRoleBinding');
      assert.deepEqual(binding.roleRef, {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: role.metadata.name,
      });
      assert.deepEqual(binding.subjects, [
        { kind: 'ServiceAccount', name: pod.serviceAccountName, namespace },
      ]);
      assert.equal(
        only(objects, 'ServiceAccount').metadata.name,
        pod.serviceAccountName,
      );
    });

    test('the Service and the Ingress reach the pods', () => {
      const podLabels = deployment.spec.template.metadata.labels;
      const service = only(objects, 'Service');
      for (const [key, value] of Object.entries(service.spec.selector)) {
        assert.equal(podLabels[key], value, `Service selector ${key}`);
      }
      assert.equal(service.spec.ports[0].targetPort, 'http');
      const backend = only(objects, 'Ingress').spec.rules[0].http.paths[0]
        .backend;
      assert.deepEqual(backend.service, {
        name: service.metadata.name,
        port: { name: service.spec.ports[0].name },
      });
    });

    test('the NetworkPolicy admits the ingress controller and lets out only what the backend needs', () => {
      const policy = only(objects, 'NetworkPolicy');
      assert.deepEqual(policy.spec.podSelector, deployment.spec.selector);
      assert.deepEqual(policy.spec.policyTypes, ['Ingress', 'Egress']);
      assert.equal(policy.spec.ingress.length, 1);
      assert.deepEqual(policy.spec.ingress[0].ports, [
        { port: 'http', protocol: 'TCP' },
      ]);
      assert.ok(
        policy.spec.ingress[0].from.length > 0,
        'ingress is not open to all',
      );
      const egressPorts = policy.spec.egress.flatMap(rule =>
        rule.ports.map(p => `${p.port}/${p.protocol}`),
      );
      for (const needed of [
        '53/UDP',
        '53/TCP',
        '5432/TCP',
        '6379/TCP',
        '443/TCP',
        '6443/TCP',
      ]) {
        assert.ok(egressPorts.includes(needed), needed);
      }
      for (const rule of policy.spec.egress) {
        assert.ok(rule.ports?.length > 0, 'every egress rule names its ports');
      }
    });
  });
}

test('staging and production can share a cluster: their cluster-wide objects have different names', () => {
  const clusterScoped = environment =>
    render(environment)
      .filter(object =>
        ['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(
          object.kind,
        ),
      )
      .map(label);
  const staging = clusterScoped('staging');
  const production = clusterScoped('production');
  assert.equal(staging.length, 3);
  assert.deepEqual(
    staging.filter(name => production.includes(name)),
    [],
  );
});
