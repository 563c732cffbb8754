import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics for the golden signals. Names follow the OpenTelemetry
 * HTTP semantic conventions as Prometheus exposes them, so every golden-path
 * service can share one dashboard and the catalog's
 * `prometheus.io/request-rate-query` annotation. The `service` label is added
 * by the ServiceMonitor (it is the Kubernetes Service name).
 */
export interface Metrics {
  registry: Registry;
  requestDuration: Histogram<'http_request_method' | 'http_route' | 'http_response_status_code'>;
  requestsInFlight: Gauge;
  exampleGreetings: Counter;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) {
    // Process CPU, memory, event-loop lag, GC: the saturation signals.
    collectDefaultMetrics({ register: registry });
  }
  const requestDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const requestsInFlight = new Gauge({
    name: 'http_server_active_requests',
    help: 'Number of HTTP server requests in flight.',
    registers: [registry],
  });
  const exampleGreetings = new Counter({
    name: 'example_greetings_total',
    help: 'Greetings served by the example route (replace with your own business metrics).',
    registers: [registry],
  });
  return { registry, requestDuration, requestsInFlight, exampleGreetings };
}
