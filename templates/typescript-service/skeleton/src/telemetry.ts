import type { Config } from './config.ts';
import type { Logger } from './log.ts';

export interface Telemetry {
  enabled: boolean;
  /** Flushes pending spans; safe to call more than once. */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry tracing for incoming and outgoing HTTP calls, exported over
 * OTLP to `OTEL_EXPORTER_OTLP_ENDPOINT` (the cluster's collector). With no
 * endpoint the SDK is not even loaded: no exporter, no retries, no noise.
 * The SDK reads the standard OTEL_* variables (OTEL_EXPORTER_OTLP_PROTOCOL,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER...). Only traces are
 * exported: metrics are scraped from /metrics and logs go to stdout.
 */
export async function startTelemetry(
  config: Pick<Config, 'otlpEndpoint' | 'serviceName'>,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Telemetry> {
  if (!config.otlpEndpoint) {
    logger.info('tracing disabled: OTEL_EXPORTER_OTLP_ENDPOINT is not set');
    return { enabled: false, shutdown: async () => {} };
  }
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';

  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
  const ignored = new Set(['/healthz', '/readyz', '/metrics']);
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes would drown the real traffic.
        ignoreIncomingRequestHook: req => ignored.has((req.url ?? '').split('?')[0] ?? ''),
      }),
    ],
  });
  sdk.start();
  logger.info('tracing enabled', { endpoint: config.otlpEndpoint });

  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown: () => {
      stopped ??= sdk.shutdown().catch((error: unknown) => {
        logger.warn('tracing shutdown failed', { error: String(error) });
      });
      return stopped;
    },
  };
}
