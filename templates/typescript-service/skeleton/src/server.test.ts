import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';

/**
 * Starts the real entry point the way the container does (preloaded
 * instrumentation, then the server) against a stand-in OTLP collector on
 * loopback, and checks traces, logs and graceful shutdown.
 */
describe('server process', () => {
  it('serves, traces requests to the OTLP endpoint and shuts down on SIGTERM', async () => {
    const exports: string[] = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        exports.push(`${req.method} ${req.url} ${body}`);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    collector.listen(0, '127.0.0.1');
    await once(collector, 'listening');
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;

    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', '--import', './src/instrumentation.ts', 'src/server.ts'],
      {
        env: {
          PATH: process.env.PATH,
          PORT: '0',
          SHUTDOWN_DELAY_MS: '0',
          OTEL_SERVICE_NAME: 'server-test',
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const logs: Record<string, unknown>[] = [];
      const lines = createInterface({ input: child.stdout! });
      const port = await new Promise<number>((resolve, reject) => {
        child.once('exit', code => reject(new Error(`server exited early with ${code}`)));
        lines.on('line', line => {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.message === 'listening') resolve(entry.port as number);
        });
      });
      const res = await fetch(`http://127.0.0.1:${port}/api/hello?name=trace`);
      assert.equal(res.status, 200);
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);

      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0, 'exits cleanly after SIGTERM');

      assert.ok(logs.some(l => l.message === 'tracing enabled'));
      assert.ok(logs.some(l => l.message === 'request' && l.route === '/api/hello' && l.status === 200));
      const traces = exports.filter(e => e.startsWith('POST /v1/traces '));
      assert.ok(traces.length > 0, `no trace export; collector saw: ${exports.join(' | ')}`);
      assert.match(traces.join('\n'), /server-test/);
      assert.match(traces.join('\n'), /\/api\/hello/);
      assert.doesNotMatch(traces.join('\n'), /healthz/, 'probes are not traced');
    } finally {
      child.kill('SIGKILL');
      collector.close();
    }
  });
});
