import { formatUtcDateTime } from '@paved/portal-ui';
import { formatRelative, imageVersion, shortImage } from './format';

describe('format', () => {
  it('shortens images to their name and version', () => {
    expect(shortImage('ghcr.io/fernhill/checkout-service:1.4.2')).toBe(
      'checkout-service:1.4.2',
    );
    expect(imageVersion('ghcr.io/fernhill/checkout-service:1.4.2')).toBe(
      '1.4.2',
    );
    // A registry port is not a tag.
    expect(imageVersion('registry.local:5000/team/orders')).toBe('latest');
    const digest =
      'ghcr.io/fernhill/orders@sha256:0123456789abcdef0123456789abcdef';
    expect(shortImage(digest)).toBe('orders@0123456789ab');
    expect(imageVersion(digest)).toBe('0123456789ab');
  });

  it('writes times relative to now and absolutely in UTC', () => {
    const now = new Date('2026-11-26T22:00:00.000Z');
    expect(formatRelative('2026-11-26T21:59:58.000Z', now)).toBe('just now');
    expect(formatRelative('2026-11-26T21:48:00.000Z', now)).toBe('12 min ago');
    expect(formatRelative('2026-11-26T19:00:00.000Z', now)).toBe('3 h ago');
    expect(formatRelative('2026-11-24T22:00:00.000Z', now)).toBe('2 d ago');
    expect(formatUtcDateTime('2026-11-26T21:15:00.000Z')).toBe(
      '26 Nov 2026, 21:15 UTC',
    );
  });
});
