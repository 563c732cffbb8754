import {
  coreServices,
  createServiceFactory,
  type LoggerService,
} from '@backstage/backend-plugin-api';

/**
 * Warnings a stock plugin writes once per request that can come in
 * thousands, each with the part that tells one from another. The TechDocs
 * search collator asks the docs bucket for every documented entity's search
 * index on each pass: where CI has not published an entity's docs yet,
 * the S3 publisher warns once per entity and pass, 5,000 lines for an
 * organisation of 5,000 documented components.
 */
const REPEATED_WARNINGS: Array<{ pattern: RegExp; what: string }> = [
  {
    pattern:
      /^(TechDocs S3 router failed to serve static files from bucket \S+) at key (\S+): (.*)$/,
    what: 'files the TechDocs bucket could not serve',
  },
];

/** How long a repeated warning is counted before it is written again. */
export const SUMMARY_WINDOW_MS = 60_000;

type Counted = { what: string; count: number; last: string };
type Meta = Parameters<LoggerService['warn']>[1];

/**
 * A plugin's logger that writes the first of each kind of repeated warning
 * (see {@link REPEATED_WARNINGS}) as it is, then counts the others and,
 * {@link SUMMARY_WINDOW_MS} later, writes one line: how many more there
 * were and the last one's detail. Everything else passes through.
 */
export class SummarisedLogger implements LoggerService {
  readonly #logger: LoggerService;
  /** Repeated warnings under way by their common part; shared by children. */
  readonly #counting: Map<string, Counted>;

  constructor(logger: LoggerService, counting = new Map<string, Counted>()) {
    this.#logger = logger;
    this.#counting = counting;
  }

  warn(message: string, meta?: Meta): void {
    for (const { pattern, what } of REPEATED_WARNINGS) {
      const match = pattern.exec(message);
      if (!match) continue;
      const [, common, ...detail] = match;
      const counted = this.#counting.get(common);
      if (counted) {
        counted.count += 1;
        counted.last = detail.join(': ');
        return;
      }
      this.#counting.set(common, { what, count: 0, last: '' });
      setTimeout(() => this.#summarise(common), SUMMARY_WINDOW_MS).unref();
      break;
    }
    this.#logger.warn(message, meta);
  }

  #summarise(common: string) {
    const counted = this.#counting.get(common);
    this.#counting.delete(common);
    if (!counted || counted.count === 0) return;
    this.#logger.warn(
      `${common}: ${counted.count} more ${counted.what} in the last ${
        SUMMARY_WINDOW_MS / 1000
      } s (the last: ${counted.last})`,
    );
  }

  error(message: string, meta?: Meta): void {
    this.#logger.error(message, meta);
  }

  info(message: string, meta?: Meta): void {
    this.#logger.info(message, meta);
  }

  debug(message: string, meta?: Meta): void {
    this.#logger.debug(message, meta);
  }

  child(meta: Parameters<LoggerService['child']>[0]): LoggerService {
    return new SummarisedLogger(this.#logger.child(meta), this.#counting);
  }
}

/**
 * Every plugin's logger, as Backstage's own (the root logger with the
 * plugin's id), with repeated warnings summarised.
 */
export const summarisedLoggerServiceFactory = createServiceFactory({
  service: coreServices.logger,
  deps: {
    rootLogger: coreServices.rootLogger,
    plugin: coreServices.pluginMetadata,
  },
  factory({ rootLogger, plugin }) {
    return new SummarisedLogger(rootLogger.child({ plugin: plugin.getId() }));
  },
});
