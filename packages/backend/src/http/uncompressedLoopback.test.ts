import type { IncomingMessage } from 'node:http';
import { isLoopback, uncompressedLoopback } from './uncompressedLoopback';

const request = (remoteAddress: string) =>
  ({
    socket: { remoteAddress },
    headers: { 'accept-encoding': 'gzip, deflate', accept: '*/*' },
  } as unknown as IncomingMessage);

describe('uncompressedLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])(
    'answers %s (this host: another plugin) uncompressed',
    address => {
      const req = request(address);
      const next = jest.fn();
      uncompressedLoopback(req, undefined, next);
      expect(req.headers['accept-encoding']).toBeUndefined();
      expect(req.headers.accept).toBe('*/*');
      expect(next).toHaveBeenCalledTimes(1);
    },
  );

  it.each(['10.0.3.7', '::ffff:10.0.3.7', '2001:db8::1', '128.0.0.1'])(
    'leaves compression to %s (a browser or another host) as it was',
    address => {
      const req = request(address);
      uncompressedLoopback(req, undefined, () => {});
      expect(req.headers['accept-encoding']).toBe('gzip, deflate');
    },
  );

  it('does not take an unknown peer for this host', () => {
    expect(isLoopback(undefined)).toBe(false);
    expect(isLoopback('')).toBe(false);
  });
});
