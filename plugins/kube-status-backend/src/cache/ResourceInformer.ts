/* eslint-disable @typescript-eslint/no-explicit-any -- watch events are API server JSON */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import type { InformerTimings } from '../config';
import { KubeApiError, listAll } from './kubeApi';
import type { CachedResource, KubeObject } from './resources';

/** How one resource type's cache is doing. */
export type InformerState =
  | { state: 'syncing' }
  | { state: 'synced' }
  | { state: 'forbidden'; reason: string }
  | { state: 'error'; reason: string };

/** Why a watch ended. */
type WatchEnd = 'closed' | 'expired' | 'silent' | 'resync' | 'stopped';

/** A watch that closes this soon without an event is retried after a pause. */
const QUICK_CLOSE_MS = 1000;
/** Repeated failures are logged at most this often. */
const FAILURE_LOG_INTERVAL_MS = 60_000;

/**
 * A list+watch cache of one resource type in one cluster, as client-go's
 * informers keep them: list, then watch from the list's resourceVersion with
 * bookmarks, keeping the last version seen. A closed watch resumes from that
 * version; `410 Expired` and the periodic resync re-list; a watch that stays
 * silent (no event, no bookmark) longer than the timeout is restarted; a 403
 * marks only this type as forbidden and is retried after the retry delay.
 */
export class ResourceInformer {
  readonly resource: CachedResource;
  readonly #kc: KubeConfig;
  readonly #timings: InformerTimings;
  readonly #logger: LoggerService;
  /** By namespace ('' for cluster-scoped objects), then by name. */
  #objects = new Map<string, Map<string, KubeObject>>();
  #resourceVersion = '';
  #lastListAt = 0;
  #lastEventAt?: Date;
  #state: InformerState = { state: 'syncing' };
  #stopped = true;
  #running?: Promise<void>;
  #interrupt?: () => void;
  /** Consecutive failures, and when their last warning was logged. */
  #failing?: {
    reason: string;
    attempts: number;
    since: Date;
    loggedAt: number;
  };

  static create(options: {
    resource: CachedResource;
    kubeConfig: KubeConfig;
    timings: InformerTimings;
    logger: LoggerService;
  }) {
    return new ResourceInformer(options);
  }

  private constructor(options: {
    resource: CachedResource;
    kubeConfig: KubeConfig;
    timings: InformerTimings;
    logger: LoggerService;
  }) {
    this.resource = options.resource;
    this.#kc = options.kubeConfig;
    this.#timings = options.timings;
    this.#logger = options.logger;
  }

  get state(): InformerState {
    return this.#state;
  }

  get lastEventAt(): Date | undefined {
    return this.#lastEventAt;
  }

  /** Cached objects, of one namespace or of all. */
  list(namespace?: string): KubeObject[] {
    if (namespace !== undefined) {
      return [...(this.#objects.get(namespace)?.values() ?? [])];
    }
    return [...this.#objects.values()].flatMap(byName => [...byName.values()]);
  }

  start() {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#running = this.#run();
  }

  async stop() {
    this.#stopped = true;
    this.#interrupt?.();
    await this.#running;
  }

  async #run() {
    let needsList = true;
    while (!this.#stopped) {
      try {
        if (needsList) {
          await this.#list();
          needsList = false;
          this.#recovered();
        }
        const startedAt = Date.now();
        const end = await this.#watch();
        if (end === 'expired' || end === 'resync') needsList = true;
        if (end === 'expired') {
          this.#logger.info(
            `${this.resource.name}: resourceVersion expired, listing again`,
          );
        } else if (end === 'silent') {
          this.#logger.warn(
            `${this.resource.name}: watch silent for ${
              this.#timings.silentWatchTimeoutMs
            } ms, restarting it`,
          );
        } else if (
          end === 'closed' &&
          Date.now() - startedAt < QUICK_CLOSE_MS
        ) {
          await this.#pause(QUICK_CLOSE_MS);
        }
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (error instanceof KubeApiError && error.statusCode === 403) {
          // RBAC: nothing of this type is known; drop what might be stale.
          this.#objects = new Map();
          this.#state = { state: 'forbidden', reason };
          needsList = true;
        } else {
          this.#state = { state: 'error', reason };
        }
        this.#failed(reason);
        await this.#pause(this.#timings.retryDelayMs);
      }
    }
  }

  /**
   * Logs a failure: the first of a run of them (or a new reason) at once,
   * repeats at most once a minute with their count, so an unreachable
   * cluster adds a line a minute per resource type, not one per retry.
   */
  #failed(reason: string) {
    const now = Date.now();
    const failing = this.#failing;
    if (!failing || failing.reason !== reason) {
      this.#failing = {
        reason,
        attempts: 1,
        since: new Date(now),
        loggedAt: now,
      };
      this.#logger.warn(
        `${this.resource.name}: ${reason}; retrying every ${
          this.#timings.retryDelayMs
        } ms`,
      );
      return;
    }
    failing.attempts += 1;
    if (now - failing.loggedAt >= FAILURE_LOG_INTERVAL_MS) {
      failing.loggedAt = now;
      this.#logger.warn(
        `${this.resource.name}: still failing, ${
          failing.attempts
        } attempts since ${failing.since.toISOString()}: ${reason}`,
      );
    }
  }

  #recovered() {
    if (!this.#failing) return;
    this.#logger.info(
      `${this.resource.name}: listed again after ${
        this.#failing.attempts
      } failed attempt(s) since ${this.#failing.since.toISOString()}`,
    );
    this.#failing = undefined;
  }

  async #list() {
    const { items, resourceVersion } = await listAll(
      this.#kc,
      this.resource.path,
      this.resource.fieldSelector,
    );
    const objects = new Map<string, Map<string, KubeObject>>();
    for (const item of items) put(objects, item);
    this.#objects = objects;
    this.#resourceVersion = resourceVersion;
    this.#lastListAt = Date.now();
    this.#lastEventAt = new Date();
    this.#state = { state: 'synced' };
  }

  /** Watches from the last resourceVersion until the watch ends. */
  #watch(): Promise<WatchEnd> {
    // stop() may have come while listing, when there was nothing to interrupt.
    if (this.#stopped) return Promise.resolve('stopped');
    return new Promise<WatchEnd>((resolve, reject) => {
      let settled = false;
      let controller: AbortController | undefined;
      const timers: { silent?: NodeJS.Timeout; resync?: NodeJS.Timeout } = {};
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timers.silent);
        clearTimeout(timers.resync);
        this.#interrupt = undefined;
        controller?.abort();
        settle();
      };
      const armSilentTimer = () => {
        clearTimeout(timers.silent);
        timers.silent = setTimeout(
          () => finish(() => resolve('silent')),
          this.#timings.silentWatchTimeoutMs,
        );
      };
      timers.resync = setTimeout(
        () => finish(() => resolve('resync')),
        Math.max(
          0,
          this.#lastListAt + this.#timings.resyncIntervalMs - Date.now(),
        ),
      );
      this.#interrupt = () => finish(() => resolve('stopped'));
      armSilentTimer();

      const onEvent = (type: string, object: any) => {
        if (settled) return;
        armSilentTimer();
        this.#lastEventAt = new Date();
        if (type === 'ERROR') {
          if (object?.code === 410) finish(() => resolve('expired'));
          else {
            finish(() =>
              reject(
                new KubeApiError(
                  object?.code ?? 500,
                  object?.message ?? 'watch error',
                ),
              ),
            );
          }
          return;
        }
        if (this.#state.state === 'error') this.#state = { state: 'synced' };
        const version = object?.metadata?.resourceVersion;
        if (version) this.#resourceVersion = version;
        if (type === 'ADDED' || type === 'MODIFIED') put(this.#objects, object);
        else if (type === 'DELETED') remove(this.#objects, object);
      };
      const onDone = (error: any) => {
        if (!error) {
          finish(() => resolve('closed'));
          return;
        }
        const statusCode = error.statusCode ?? error.code;
        finish(() =>
          reject(
            typeof statusCode === 'number'
              ? new KubeApiError(statusCode, error.message)
              : error,
          ),
        );
      };
      new Watch(this.#kc)
        .watch(
          this.resource.path,
          {
            allowWatchBookmarks: true,
            resourceVersion: this.#resourceVersion,
            ...(this.resource.fieldSelector
              ? { fieldSelector: this.resource.fieldSelector }
              : {}),
          },
          onEvent,
          onDone,
        )
        .then(
          c => {
            controller = c;
            if (settled) c.abort();
          },
          error => finish(() => reject(error)),
        );
    });
  }

  /** Waits, unless stopped first. */
  #pause(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise(resolve => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#interrupt = done;
    });
  }
}

function put(objects: Map<string, Map<string, KubeObject>>, o: KubeObject) {
  const namespace = o.metadata?.namespace ?? '';
  let byName = objects.get(namespace);
  if (!byName) {
    byName = new Map();
    objects.set(namespace, byName);
  }
  byName.set(o.metadata.name, o);
}

function remove(objects: Map<string, Map<string, KubeObject>>, o: KubeObject) {
  objects.get(o.metadata?.namespace ?? '')?.delete(o.metadata.name);
}
