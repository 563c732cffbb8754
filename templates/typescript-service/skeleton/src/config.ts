/** Runtime settings, all from the environment (twelve-factor). */
export interface Config {
  /** Port the HTTP server listens on. */
  port: number;
  /** Service name for logs, metrics and traces. */
  serviceName: string;
  /** dev, staging, production or local. */
  environment: string;
  /** OTLP endpoint; tracing is off when unset. */
  otlpEndpoint: string | undefined;
  /** How long to keep serving after SIGTERM while endpoints are removed. */
  shutdownDelayMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') {
    return fallback;
  }
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  }
  return parsed;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  return {
    port: integer(env.PORT, 8080, 'PORT'),
    serviceName: env.OTEL_SERVICE_NAME || '${{ values.name }}',
    environment: env.DEPLOYMENT_ENVIRONMENT || 'local',
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    shutdownDelayMs: integer(env.SHUTDOWN_DELAY_MS, 5000, 'SHUTDOWN_DELAY_MS'),
    logLevel: logLevel as Config['logLevel'],
  };
}
