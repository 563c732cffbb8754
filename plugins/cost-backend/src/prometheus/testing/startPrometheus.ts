import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface PrometheusTestInstance {
  /** Base URL of the running server, e.g. http://127.0.0.1:43121 */
  url: string;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /**
   * Samples to backfill, in OpenMetrics text format (timestamps in seconds,
   * `# EOF` optional). They must be older than "now": Prometheus only
   * accepts backfilled blocks that do not overlap its head.
   */
  openMetrics: string;
  /** Defaults to the Debian binaries on the PATH. */
  prometheusBinary?: string;
  promtoolBinary?: string;
  /** How long to wait for /-/ready (default 20 s). */
  readyTimeoutMs?: number;
}

const run = promisify(execFile);

/**
 * Starts a real Prometheus on a free loopback port with the given samples
 * backfilled through `promtool tsdb create-blocks-from openmetrics`, the way
 * an operator imports historical data. Each call has its own temp dir and
 * port, so test files may run in parallel processes.
 */
export async function startPrometheus(
  options: StartPrometheusOptions,
): Promise<PrometheusTestInstance> {
  const prometheusBinary = options.prometheusBinary ?? 'prometheus';
  const promtoolBinary = options.promtoolBinary ?? 'promtool';
  const dir = await mkdtemp(join(tmpdir(), 'paved-prometheus-'));
  try {
    const samplesFile = join(dir, 'samples.om');
    const dataDir = join(dir, 'data');
    const configFile = join(dir, 'prometheus.yml');
    const openMetrics = options.openMetrics.trimEnd();
    await writeFile(
      samplesFile,
      openMetrics.endsWith('# EOF')
        ? `${openMetrics}\n`
        : `${openMetrics}\n# EOF\n`,
    );
    await run(promtoolBinary, [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      '--quiet',
      // Day-sized blocks instead of the default 2 h: ~10x fewer blocks to
      // write (the flag is hidden from --help but supported since 2.24).
      '--max-block-duration=24h',
      samplesFile,
      dataDir,
    ]);
    // Nothing to scrape: the backfilled blocks are the only data.
    await writeFile(configFile, 'global:\n  scrape_interval: 1m\n');

    // Another process may take the free port between finding and binding
    // it; try a few ports before giving up.
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await findFreePort();
      try {
        const server = await launch(
          prometheusBinary,
          [
            `--config.file=${configFile}`,
            `--storage.tsdb.path=${dataDir}`,
            // Backfilled samples are days old; keep them whatever their age.
            '--storage.tsdb.retention.time=3650d',
            `--web.listen-address=127.0.0.1:${port}`,
          ],
          `http://127.0.0.1:${port}`,
          options.readyTimeoutMs ?? 20_000,
        );
        return {
          url: server.url,
          async stop() {
            await server.stop();
            await rm(dir, { recursive: true, force: true });
          },
        };
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function launch(
  binary: string,
  args: string[],
  url: string,
  readyTimeoutMs: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', chunk => {
    log = (log + String(chunk)).slice(-4000);
  });
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  // A test runner that dies must not leave a Prometheus behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };

  try {
    await waitUntilReady(child, url, readyTimeoutMs, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

async function waitUntilReady(
  child: ChildProcess,
  url: string,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Prometheus exited before it was ready:\n${log()}`);
    }
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`Prometheus was not ready within ${timeoutMs} ms:\n${log()}`);
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('No free port')),
      );
    });
  });
}
