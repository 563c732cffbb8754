import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { drainOnShutdown } from './drainOnShutdown';

/**
 * A server as production runs it (keep-alive 65 s) answering `/quick` once
 * its body is in and `/poll` only after a minute, like the events bus's
 * long poll.
 */
async function startServer() {
  const server = http.createServer((req, res) => {
    if (req.url === '/poll') {
      res.writeHead(202);
      res.flushHeaders();
      const timer = setTimeout(() => res.end(), 60_000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  server.keepAliveTimeout = 65_000;
  const closed = new Promise<void>(resolve => server.once('close', resolve));
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, closed, port };
}

/** Stops the server as Backstage does: idle connections closed, then close. */
function stopLikeBackstage(server: http.Server) {
  server.closeIdleConnections();
  server.close();
}

describe('drainOnShutdown', () => {
  it('answers a request finished during shutdown, then closes its idle connection at once', async () => {
    const { server, closed, port } = await startServer();
    const agent = new http.Agent({ keepAlive: true });
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        http
          .get({ port, host: '127.0.0.1', path, agent }, res => {
            res.resume();
            res.on('end', () => resolve(res.statusCode!));
          })
          .on('error', reject);
      });
    // A keep-alive connection busy when shutdown begins.
    const held = http.request({
      port,
      host: '127.0.0.1',
      path: '/quick',
      method: 'POST',
      agent,
    });
    held.write('part of a body');
    const heldAnswer = new Promise<number>((resolve, reject) => {
      held.on('response', res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      held.on('error', reject);
    });
    await new Promise(r => setTimeout(r, 50));
    const started = Date.now();
    stopLikeBackstage(server);
    const drained = drainOnShutdown(
      server,
      closed,
      mockServices.logger.mock(),
      30_000,
    );
    held.end();
    expect(await heldAnswer).toBe(200);
    await drained;
    // Well before both the limit and the keep-alive timeout.
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(get('/quick')).rejects.toThrow();
    agent.destroy();
  });

  it('cuts a long poll at the limit and says how many connections it closed', async () => {
    const { server, closed, port } = await startServer();
    const logger = mockServices.logger.mock();
    const poll = new Promise<string>(resolve => {
      http
        .get({ port, host: '127.0.0.1', path: '/poll' }, res => {
          res.resume();
          res.on('end', () => resolve('ended'));
          res.on('error', () => resolve('cut'));
          res.on('aborted', () => resolve('cut'));
        })
        .on('error', () => resolve('cut'));
    });
    await new Promise(r => setTimeout(r, 50));
    const started = Date.now();
    stopLikeBackstage(server);
    await drainOnShutdown(server, closed, logger, 500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await poll).toBe('cut');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Closing 1 connection(s) still open 0.5 s'),
    );
  });
});
