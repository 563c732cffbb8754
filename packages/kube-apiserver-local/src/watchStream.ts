import { IncomingMessage, ServerResponse } from 'node:http';
import { KubeObject } from './kubeObject';
import { apiVersionOf } from './resources';
import { kubeStatus } from './responses';
import { ClusterState } from './state/ClusterState';
import { WatchEventType, WatchFilter } from './state/watch';
import { toTable, wantsTable } from './table';

export interface WatchStreamOptions {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  filter: WatchFilter;
  cluster: ClusterState;
  /** The open watches' closers; the stream adds itself while open. */
  openWatches: Set<() => void>;
  bookmarkIntervalMs: number;
}

/**
 * Answers a watch: chunked newline-delimited events, replayed from
 * `resourceVersion` (or the current objects as ADDED), then live ones,
 * periodic BOOKMARKs if asked, until the client leaves or the timeout.
 */
export function streamWatch(options: WatchStreamOptions) {
  const { req, res, url, filter, cluster } = options;
  const rvParam = url.searchParams.get('resourceVersion');
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  const asTable = wantsTable(req.headers.accept);
  const writeLine = (type: string, object: unknown) => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const writeChange = (type: WatchEventType, object: KubeObject) =>
    writeLine(
      type,
      asTable
        ? toTable(filter.type, [object], object.metadata.resourceVersion!)
        : object,
    );

  // Subscribe first so nothing is lost between replay and live events.
  const queued: Array<[WatchEventType, KubeObject]> = [];
  let live = false;
  const unsubscribe = cluster.subscribe(filter, (type, object) => {
    if (live) writeChange(type, object);
    else queued.push([type, object]);
  });
  let lastRv: number;
  if (!rvParam || rvParam === '0') {
    for (const o of cluster.list(filter.type, filter)) writeChange('ADDED', o);
    lastRv = cluster.resourceVersion;
  } else {
    const since = Number(rvParam);
    const events = Number.isFinite(since)
      ? cluster.eventsSince(filter, since)
      : undefined;
    if (!events) {
      writeLine(
        'ERROR',
        kubeStatus(
          410,
          'Expired',
          `too old resource version: ${rvParam} (${cluster.oldestResourceVersion})`,
        ),
      );
      unsubscribe();
      res.end();
      return;
    }
    for (const e of events) writeChange(e.type, e.object);
    lastRv = events.length ? events[events.length - 1].rv : since;
  }
  for (const [type, object] of queued) {
    if (Number(object.metadata.resourceVersion) > lastRv) {
      writeChange(type, object);
    }
  }
  live = true;

  const timers: NodeJS.Timeout[] = [];
  const close = () => {
    unsubscribe();
    timers.forEach(t => clearTimeout(t));
    options.openWatches.delete(close);
    if (!res.writableEnded) res.end();
  };
  options.openWatches.add(close);
  if (url.searchParams.get('allowWatchBookmarks') === 'true') {
    const bookmark = () =>
      writeLine('BOOKMARK', {
        kind: filter.type.kind,
        apiVersion: apiVersionOf(filter.type),
        metadata: { resourceVersion: String(cluster.resourceVersion) },
      });
    timers.push(setInterval(bookmark, options.bookmarkIntervalMs));
  }
  const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? '0');
  if (timeoutSeconds > 0) {
    timers.push(setTimeout(close, timeoutSeconds * 1000));
  }
  req.on('close', close);
  res.on('close', close);
}
