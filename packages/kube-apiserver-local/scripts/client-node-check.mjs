// Lists and watches the local API server with the official JavaScript client
// (@kubernetes/client-node is ESM-only, so jest spawns this with `node`).
// Usage: node client-node-check.mjs <server> <token> <namespace> <labelSelector>
// Prints one JSON object per line: {"list": ...}, {"watching": rv}, then
// {"type", "name", "rv", "restarts", "image"} per watch event, {"done": err}.
import * as k8s from '@kubernetes/client-node';

const [server, token, namespace, labelSelector] = process.argv.slice(2);
const print = o => process.stdout.write(`${JSON.stringify(o)}\n`);

const kc = new k8s.KubeConfig();
kc.loadFromOptions({
  clusters: [{ name: 'local', server, skipTLSVerify: true }],
  users: [{ name: 'local', token }],
  contexts: [{ name: 'local', cluster: 'local', user: 'local' }],
  currentContext: 'local',
});

const apps = kc.makeApiClient(k8s.AppsV1Api);
const deployments = await apps.listNamespacedDeployment({
  namespace,
  labelSelector,
});
const core = kc.makeApiClient(k8s.CoreV1Api);
const pods = await core.listNamespacedPod({ namespace, labelSelector });
print({
  list: deployments.items.map(d => ({
    name: d.metadata.name,
    replicas: d.spec.replicas,
    revision: d.metadata.annotations['deployment.kubernetes.io/revision'],
    created: d.metadata.creationTimestamp instanceof Date,
  })),
  pods: pods.items.length,
  rv: pods.metadata.resourceVersion,
});

try {
  await core.readNamespacedPod({ namespace, name: 'does-not-exist' });
} catch (e) {
  print({ notFound: e.code, body: JSON.parse(e.body).reason });
}

const watch = new k8s.Watch(kc);
await watch.watch(
  `/api/v1/namespaces/${namespace}/pods`,
  {
    labelSelector,
    resourceVersion: pods.metadata.resourceVersion,
    allowWatchBookmarks: true,
  },
  (type, obj) =>
    print({
      type,
      name: obj.metadata?.name,
      rv: obj.metadata?.resourceVersion,
      restarts: obj.status?.containerStatuses?.[0]?.restartCount,
      image: obj.spec?.containers?.[0]?.image,
    }),
  err => print({ done: err ? String(err) : null }),
);
print({ watching: pods.metadata.resourceVersion });

// A resourceVersion older than the server's history: 410 Expired.
await watch.watch(
  `/api/v1/namespaces/${namespace}/pods`,
  { resourceVersion: '1' },
  (type, obj) => print({ expired: type, code: obj.code, reason: obj.reason }),
  err => print({ expiredDone: err ? String(err) : null }),
);
