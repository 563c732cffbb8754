// Runs an informer of the official JavaScript client on one namespace's pods
// (@kubernetes/client-node is ESM-only, so jest spawns this with `node`).
// Usage: node client-node-informer.mjs <server> <token> <namespace>
// Prints one JSON object per line: {"connect": n} on each (re-)list and
// watch, then {"event": "add"|"update"|"delete", "name", "replicas"}, and
// {"error": message} if the informer stops on an error.
import * as k8s from '@kubernetes/client-node';

const [server, token, namespace] = process.argv.slice(2);
const print = o => process.stdout.write(`${JSON.stringify(o)}\n`);

const kc = new k8s.KubeConfig();
kc.loadFromOptions({
  clusters: [{ name: 'local', server, skipTLSVerify: true }],
  users: [{ name: 'local', token }],
  contexts: [{ name: 'local', cluster: 'local', user: 'local' }],
  currentContext: 'local',
});
const core = kc.makeApiClient(k8s.CoreV1Api);
const path = `/api/v1/namespaces/${namespace}/pods`;
const informer = k8s.makeInformer(kc, path, () =>
  core.listNamespacedPod({ namespace }),
);
let connects = 0;
informer.on(k8s.CONNECT, () => print({ connect: ++connects }));
for (const event of [k8s.ADD, k8s.UPDATE, k8s.DELETE]) {
  informer.on(event, pod =>
    print({
      event,
      name: pod.metadata?.name,
      app: pod.metadata?.labels?.['backstage.io/kubernetes-id'],
    }),
  );
}
informer.on(k8s.ERROR, err => print({ error: String(err) }));
await informer.start();
