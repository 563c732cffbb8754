import type {
  AnalyticsEvent,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import type { AnalyticsImplementation } from '@backstage/plugin-app-react';

/** Paths sent at most per request (the backend takes up to 50). */
const BATCH = 50;

/**
 * Reports the pages a signed-in user opens to the scorecards backend's
 * portal-use counts (`POST /api/scorecards/usage`), with the user's token:
 * the app's `navigate` events, batched — sent every `intervalMs`, when a
 * batch is full, and when the tab is hidden. Nothing else of an event
 * leaves the browser, and a failed send is dropped: analytics never gets
 * in the way of the portal.
 */
export class PortalUseAnalytics implements AnalyticsImplementation {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;
  readonly #intervalMs: number;
  #paths: string[] = [];
  #timer?: ReturnType<typeof setTimeout>;

  constructor(options: {
    discoveryApi: DiscoveryApi;
    fetchApi: FetchApi;
    intervalMs?: number;
  }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
    this.#intervalMs = options.intervalMs ?? 15_000;
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'hidden') this.flush();
      });
    }
  }

  captureEvent(event: AnalyticsEvent) {
    if (event.action !== 'navigate' || !event.subject.startsWith('/')) return;
    this.#paths.push(event.subject.slice(0, 500));
    if (this.#paths.length >= BATCH) {
      this.flush();
    } else {
      this.#timer ??= setTimeout(() => this.flush(), this.#intervalMs);
    }
  }

  /** Sends what is queued now. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const paths = this.#paths.splice(0, BATCH);
    if (paths.length === 0) return Promise.resolve();
    return this.#send(paths);
  }

  async #send(paths: string[]) {
    try {
      const baseUrl = await this.#discoveryApi.getBaseUrl('scorecards');
      await this.#fetchApi.fetch(`${baseUrl}/usage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ paths }),
        // Still sent when the tab is closing.
        keepalive: true,
      });
    } catch {
      // Dropped: counts are a measure, not a record.
    }
    if (this.#paths.length > 0) {
      this.#timer ??= setTimeout(() => this.flush(), this.#intervalMs);
    }
  }
}
