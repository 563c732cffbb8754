import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { CustomErrorBase, isError } from '@backstage/errors';
import { formatDay } from '@paved/plugin-cost-common';
import { parseDay } from '../insights/days';
import { checkRequestRateQuery, metricNamesOf } from './requestRateQuery';

/** Requests served by an entity's workload, per UTC day. */
export interface RequestCountSource {
  /**
   * Requests served per UTC day (YYYY-MM-DD) in [from, to). Days without
   * data are absent (not zero); an entity with no request-rate query or no
   * series yields an empty map.
   */
  dailyRequests(
    entity: Entity,
    from: string,
    to: string,
  ): Promise<Map<string, number>>;
}

/** A PromQL expression of the entity's requests per second. */
export const REQUEST_RATE_QUERY_ANNOTATION = 'prometheus.io/request-rate-query';
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
const KUBERNETES_ID_PLACEHOLDER = '{{kubernetesId}}';

/**
 * Requests per second of a workload instrumented with OpenTelemetry's HTTP
 * server semantic conventions: the `http.server.request.duration` histogram
 * reaches Prometheus as `http_server_request_duration_seconds_*`, and its
 * `_count` counts requests; the OTel Collector's Prometheus exporter (with
 * resource_to_telemetry_conversion) or Prometheus' OTLP receiver with
 * `service.name` promoted label it `service_name`. Override with
 * `cost.prometheus.defaultRequestRateQuery` when your pipeline labels differ.
 */
export const DEFAULT_REQUEST_RATE_QUERY = `sum(rate(http_server_request_duration_seconds_count{service_name="${KUBERNETES_ID_PLACEHOLDER}"}[5m]))`;

const DAY_SECONDS = 86_400;
/** How long Prometheus may evaluate one query, by default. */
const DEFAULT_QUERY_TIMEOUT_SECONDS = 20;

/** Prometheus could not answer a request-count query for an entity. */
export class PrometheusRequestCountError extends CustomErrorBase {
  name = 'PrometheusRequestCountError' as const;
}

export interface PrometheusRequestCountsOptions {
  /** e.g. https://prometheus.example.com (any path prefix is kept). */
  baseUrl: string;
  /** Sent with every query, e.g. Authorization. Never logged. */
  headers?: Record<string, string>;
  /** PromQL with `{{kubernetesId}}` where the entity's Kubernetes id goes. */
  defaultRequestRateQuery?: string;
  /**
   * The metrics a `prometheus.io/request-rate-query` annotation may read.
   * Default: the metrics of the default query.
   */
  allowedRequestRateMetrics?: string[];
  /**
   * How long Prometheus may evaluate a query (its `timeout` parameter);
   * the request is aborted shortly after. Default 20 s.
   */
  queryTimeoutSeconds?: number;
  logger: LoggerService;
}

/**
 * Daily request counts from Prometheus.
 *
 * A day's count is the integral of the request rate over the day. One
 * query_range call with step 1d evaluates, at each day's end T,
 *   sum_over_time((<rate query>)[86399s:5m]) * 300
 * i.e. the rate sampled every 5 minutes at T-1d+5m, …, T (288 points whose
 * 5-minute rate windows tile the day exactly) times 300 s. The range is
 * 86399s rather than 1d because Prometheus 2.x range selectors include
 * their left edge, which would add a 289th point from the previous day;
 * with 86399s the same 288 points are selected by 2.x and by 3.x (whose
 * ranges are left-open).
 */
export class PrometheusRequestCounts implements RequestCountSource {
  readonly #queryRangeUrl: string;
  readonly #headers: Record<string, string>;
  readonly #defaultRequestRateQuery: string;
  readonly #allowedMetrics: ReadonlySet<string>;
  readonly #timeoutMs: number;
  readonly #logger: LoggerService;

  /**
   * Reads `cost.prometheus`; undefined when `cost.prometheus.baseUrl` is
   * not set or `none` (cost per request then stays empty). `none` lets a
   * configuration layer turn off what a lower layer set: the production
   * configuration says `${PROMETHEUS_URL:-none}`, so an unset variable does
   * not fall back to the local default's demo Prometheus.
   */
  static fromConfig(
    config: RootConfigService,
    logger: LoggerService,
  ): RequestCountSource | undefined {
    const prometheus = config.getOptionalConfig('cost.prometheus');
    const baseUrl = prometheus?.getOptionalString('baseUrl');
    if (!prometheus || !baseUrl || baseUrl === 'none') {
      return undefined;
    }
    const headersConfig = prometheus.getOptionalConfig('headers');
    const headers = Object.fromEntries(
      (headersConfig?.keys() ?? []).map(name => [
        name,
        headersConfig!.getString(name),
      ]),
    );
    return PrometheusRequestCounts.create({
      baseUrl,
      headers,
      defaultRequestRateQuery: prometheus.getOptionalString(
        'defaultRequestRateQuery',
      ),
      allowedRequestRateMetrics: prometheus.getOptionalStringArray(
        'allowedRequestRateMetrics',
      ),
      queryTimeoutSeconds: prometheus.getOptionalNumber('queryTimeoutSeconds'),
      logger,
    });
  }

  static create(options: PrometheusRequestCountsOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      url = new URL('invalid:');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(
        `Invalid config cost.prometheus.baseUrl '${options.baseUrl}': expected an http(s) URL`,
      );
    }
    const defaultQuery =
      options.defaultRequestRateQuery ?? DEFAULT_REQUEST_RATE_QUERY;
    if (!defaultQuery.includes(KUBERNETES_ID_PLACEHOLDER)) {
      // Without the placeholder every entity would get the same counts.
      throw new Error(
        `Invalid config cost.prometheus.defaultRequestRateQuery: it must contain ${KUBERNETES_ID_PLACEHOLDER}`,
      );
    }
    const timeoutSeconds =
      options.queryTimeoutSeconds ?? DEFAULT_QUERY_TIMEOUT_SECONDS;
    if (!(timeoutSeconds > 0 && timeoutSeconds <= 300)) {
      throw new Error(
        `Invalid config cost.prometheus.queryTimeoutSeconds ${timeoutSeconds}: expected more than 0 and at most 300`,
      );
    }
    // The configured query is the operator's; its metrics are the default
    // allow-list for annotations.
    const allowed =
      options.allowedRequestRateMetrics ??
      metricNamesOf(defaultQuery.split(KUBERNETES_ID_PLACEHOLDER).join('x'));
    options.logger.info(
      `Cost per request uses Prometheus at ${url.origin}${url.pathname}`,
    );
    return new PrometheusRequestCounts(
      `${url.origin}${url.pathname.replace(/\/+$/, '')}/api/v1/query_range`,
      options.headers ?? {},
      defaultQuery,
      new Set(allowed),
      timeoutSeconds * 1000,
      options.logger,
    );
  }

  private constructor(
    queryRangeUrl: string,
    headers: Record<string, string>,
    defaultRequestRateQuery: string,
    allowedMetrics: ReadonlySet<string>,
    timeoutMs: number,
    logger: LoggerService,
  ) {
    this.#queryRangeUrl = queryRangeUrl;
    this.#headers = headers;
    this.#defaultRequestRateQuery = defaultRequestRateQuery;
    this.#allowedMetrics = allowedMetrics;
    this.#timeoutMs = timeoutMs;
    this.#logger = logger;
  }

  /** The entity's requests-per-second PromQL, or undefined if it has none. */
  requestRateQuery(entity: Entity): string | undefined {
    const annotations = entity.metadata.annotations ?? {};
    const annotated = annotations[REQUEST_RATE_QUERY_ANNOTATION]?.trim();
    if (annotated) {
      // Runs with the portal's Prometheus credentials: only over the
      // allow-listed request metrics. Throws RequestRateQueryRefusedError.
      checkRequestRateQuery(annotated, this.#allowedMetrics);
      return annotated;
    }
    const kubernetesId = annotations[KUBERNETES_ID_ANNOTATION]?.trim();
    if (!kubernetesId) {
      return undefined;
    }
    // Escaped as a PromQL string literal so an id cannot change the query.
    const literal = kubernetesId.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    return this.#defaultRequestRateQuery
      .split(KUBERNETES_ID_PLACEHOLDER)
      .join(literal);
  }

  async dailyRequests(
    entity: Entity,
    from: string,
    to: string,
  ): Promise<Map<string, number>> {
    const fromSeconds = dayStartSeconds(from, 'from');
    const toSeconds = dayStartSeconds(to, 'to');
    const counts = new Map<string, number>();
    const rateQuery = this.requestRateQuery(entity);
    if (!rateQuery || toSeconds <= fromSeconds) {
      return counts;
    }
    const entityRef = stringifyEntityRef(entity);
    const query = `sum_over_time((${rateQuery})[86399s:5m]) * 300`;
    this.#logger.debug(`Daily requests of ${entityRef}: ${query}`);

    const body = await this.#queryRange(entityRef, rateQuery, {
      query,
      // Each evaluation at a day's end T counts the day ending at T.
      start: String(fromSeconds + DAY_SECONDS),
      end: String(toSeconds),
      step: String(DAY_SECONDS),
      timeout: `${this.#timeoutMs}ms`,
    });
    for (const series of body.data?.result ?? []) {
      for (const [time, value] of series.values ?? []) {
        const requests = Number(value);
        if (!Number.isFinite(requests)) {
          continue;
        }
        const day = formatDay((Number(time) - DAY_SECONDS) * 1000);
        counts.set(day, (counts.get(day) ?? 0) + requests);
      }
    }
    return counts;
  }

  async #queryRange(
    entityRef: string,
    rateQuery: string,
    params: Record<string, string>,
  ): Promise<QueryRangeResponse> {
    const what = `request counts of ${entityRef}`;
    let response: Response;
    try {
      response = await fetch(this.#queryRangeUrl, {
        method: 'POST',
        headers: {
          ...this.#headers,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(params),
        // Prometheus stops at `timeout`; this abort covers a server or
        // proxy that does not answer at all.
        signal: AbortSignal.timeout(
          this.#timeoutMs + Math.min(5_000, this.#timeoutMs / 2),
        ),
      });
    } catch (error) {
      throw new PrometheusRequestCountError(
        `Could not reach Prometheus for the ${what}: ${describeFetchError(
          error,
        )}`,
      );
    }

    const text = await response.text();
    let body: QueryRangeResponse | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok || body?.status !== 'success') {
      // Prometheus explains itself in {status:"error", errorType, error};
      // anything else (a proxy page) is summarised by its status line only.
      const reason = body?.error
        ? `${body.errorType ?? 'error'}: ${body.error}`
        : `${response.status} ${response.statusText}`.trim();
      throw new PrometheusRequestCountError(
        `Prometheus failed the ${what} (HTTP ${response.status}, ${reason}); ` +
          `request-rate query: ${rateQuery}`,
      );
    }
    if (body.data?.resultType !== 'matrix') {
      throw new PrometheusRequestCountError(
        `Prometheus returned a ${body.data?.resultType} instead of a range vector for the ${what}; ` +
          `request-rate query: ${rateQuery}`,
      );
    }
    return body;
  }
}

interface QueryRangeResponse {
  status?: string;
  errorType?: string;
  error?: string;
  data?: {
    resultType?: string;
    result?: Array<{
      metric?: Record<string, string>;
      values?: Array<[number, string]>;
    }>;
  };
}

function dayStartSeconds(day: string, what: string): number {
  return parseDay(day, what) / 1000;
}

/** Node's fetch hides the reason (ECONNREFUSED, timeout) in `cause`. */
function describeFetchError(error: unknown): string {
  // isError, not instanceof: fetch's errors may come from another realm.
  if (!isError(error)) {
    return String(error);
  }
  const cause = error.cause;
  return isError(cause) && cause.message
    ? `${error.message} (${cause.message})`
    : error.message;
}
