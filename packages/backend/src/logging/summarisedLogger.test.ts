import type { LoggerService } from '@backstage/backend-plugin-api';
import { SUMMARY_WINDOW_MS, SummarisedLogger } from './summarisedLogger';

/** Every line written, as `level message` with the child's fields. */
class RecordingLogger implements LoggerService {
  constructor(
    readonly lines: string[] = [],
    readonly fields: Record<string, unknown> = {},
  ) {}
  #write(level: string, message: string) {
    const fields = Object.entries(this.fields).map(([k, v]) => ` ${k}=${v}`);
    this.lines.push(`${level} ${message}${fields.join('')}`);
  }
  error(message: string) {
    this.#write('error', message);
  }
  warn(message: string) {
    this.#write('warn', message);
  }
  info(message: string) {
    this.#write('info', message);
  }
  debug(message: string) {
    this.#write('debug', message);
  }
  child(meta: Record<string, unknown>) {
    return new RecordingLogger(this.lines, { ...this.fields, ...meta });
  }
}

/** The S3 publisher's warning for a file not in the bucket. */
const notInBucket = (name: string) =>
  `TechDocs S3 router failed to serve static files from bucket paved-techdocs at key default/component/${name}/search/search_index.json: The specified key does not exist.`;

describe('SummarisedLogger', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes the first of a repeated warning, then one line with how many more there were', () => {
    const sink = new RecordingLogger();
    const logger = new SummarisedLogger(sink).child({ plugin: 'techdocs' });

    for (const name of ['a', 'b', 'c', 'd']) logger.warn(notInBucket(name));
    logger.warn('Could not read the bucket');
    logger.info('Serving docs');
    expect(sink.lines).toEqual([
      `warn ${notInBucket('a')} plugin=techdocs`,
      'warn Could not read the bucket plugin=techdocs',
      'info Serving docs plugin=techdocs',
    ]);

    jest.advanceTimersByTime(SUMMARY_WINDOW_MS);
    expect(sink.lines.slice(3)).toEqual([
      'warn TechDocs S3 router failed to serve static files from bucket paved-techdocs: 3 more files the TechDocs bucket could not serve in the last 60 s (the last: default/component/d/search/search_index.json: The specified key does not exist.) plugin=techdocs',
    ]);

    // The next one after the window is written as it is again, and a
    // window with no repeats ends without a line.
    logger.warn(notInBucket('e'));
    jest.advanceTimersByTime(SUMMARY_WINDOW_MS);
    expect(sink.lines.slice(4)).toEqual([
      `warn ${notInBucket('e')} plugin=techdocs`,
    ]);
  });
});
