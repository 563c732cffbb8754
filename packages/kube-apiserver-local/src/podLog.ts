import { ServerResponse } from 'node:http';
import { KubeObject } from './kubeObject';
import { kubeStatus, sendStatus } from './responses';
import { ClusterState } from './state/ClusterState';
import { containersOf, hasContainerStatuses } from './state/pods';

/** Answers `pods/{name}/log`: plain text, `container` and `tailLines` honoured. */
export function sendPodLog(
  res: ServerResponse,
  url: URL,
  pod: KubeObject,
  cluster: ClusterState,
) {
  const containers = containersOf(pod).map(c => c.name);
  const container = url.searchParams.get('container') || containers[0];
  if (!containers.includes(container)) {
    sendStatus(
      res,
      kubeStatus(
        400,
        'BadRequest',
        `container ${container} is not valid for pod ${pod.metadata.name}`,
      ),
    );
    return;
  }
  if (!hasContainerStatuses(pod)) {
    sendStatus(
      res,
      kubeStatus(
        400,
        'BadRequest',
        `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`,
      ),
    );
    return;
  }
  const lines = tail(
    cluster.logsFor(pod.metadata.namespace!, pod.metadata.name, container) ??
      [],
    url.searchParams.get('tailLines'),
  );
  const body = lines.length ? `${lines.join('\n')}\n` : '';
  res.writeHead(200, {
    'Content-Type': 'text/plain',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The last `tailLines` lines; all of them when it is absent or not a number. */
function tail(lines: string[], tailLines: string | null): string[] {
  if (tailLines === null || !/^\d+$/.test(tailLines)) return lines;
  const n = Number(tailLines);
  return n === 0 ? [] : lines.slice(-n);
}
