import { InputError } from '@backstage/errors';
import {
  parsePage,
  parseReadScope,
  parseSeriesRequest,
  parseTimestamp,
  seriesPointCount,
} from './readQuery';

const DAY = 86_400_000;

describe('DORA read bounds', () => {
  it('reads timestamps with an offset as instants, and nothing else', () => {
    expect(parseTimestamp('from', '2026-10-01T02:00:00+02:00')).toBe(
      Date.parse('2026-10-01T00:00:00Z'),
    );
    expect(parseTimestamp('from', '2026-09-30T19:00:00.5-05:00')).toBe(
      Date.parse('2026-10-01T00:00:00.500Z'),
    );
    for (const value of [
      '2026-10-01',
      '2026-10-01T00:00:00',
      '2026-10-01 00:00:00Z',
      '20261001T000000Z',
      'yesterday',
      `2026-10-01T00:00:00Z${' '.repeat(100)}`,
    ]) {
      expect(() => parseTimestamp('from', value)).toThrow(
        /^from must be an ISO-8601 timestamp with an offset/,
      );
    }
    for (const value of [
      '2026-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-10-01T24:00:00Z',
      '2026-10-01T00:00:00+24:00',
    ]) {
      expect(() => parseTimestamp('to', value)).toThrow(
        /^to is not a date and time that exists/,
      );
    }
  });

  it('defaults to the 30 days before now and bounds the window at 731 days', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(parseReadScope({}, now)).toEqual({
      entityRef: undefined,
      from: new Date(now - 30 * DAY),
      to: new Date(now),
      environment: 'production',
    });
    expect(parseReadScope({ from: '2024-11-30T00:00:00Z' }, now).from).toEqual(
      new Date('2024-11-30T00:00:00Z'),
    );
    expect(() => parseReadScope({ from: '2024-11-29T23:59:59Z' }, now)).toThrow(
      /longer than 731 days/,
    );
    expect(() =>
      parseReadScope({ entityRef: 'Group:Default/Payments' }, now),
    ).not.toThrow();
    expect(
      parseReadScope({ entityRef: 'Group:Default/Payments' }, now),
    ).toMatchObject({ entityRef: 'group:default/payments' });
  });

  it('counts series points without building them and refuses more than the limit', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-12-31T12:00:00Z');
    expect(seriesPointCount(from, to, 'day')).toBe(365);
    expect(seriesPointCount(from, to, 'week')).toBe(53);
    expect(seriesPointCount(from, to, 'month')).toBe(12);
    const scope = { from, to, environment: 'production' };
    expect(
      parseSeriesRequest({ metric: 'changeFailRate', interval: 'day' }, scope),
    ).toEqual({ metric: 'changeFailRate', interval: 'day' });
    let error: unknown;
    try {
      parseSeriesRequest(
        { metric: 'changeFailRate', interval: 'day' },
        scope,
        300,
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      'a series by day over this window has 365 points, more than 300; choose a longer interval or a shorter window',
    );
  });

  it('bounds pages and cursors', () => {
    expect(parsePage({})).toEqual({ limit: 100, offset: 0 });
    expect(
      parsePage({
        limit: '500',
        cursor: Buffer.from('40').toString('base64url'),
      }),
    ).toEqual({ limit: 500, offset: 40 });
    expect(() => parsePage({ limit: '1e3' })).toThrow(/^limit/);
    // As the HTTP API's validator hands it over.
    expect(parsePage({ limit: 25 })).toEqual({ limit: 25, offset: 0 });
    expect(() => parsePage({ limit: 2.5 })).toThrow(/^limit/);
    expect(() => parsePage({ limit: 501 })).toThrow(/^limit/);
    expect(() =>
      parsePage({ cursor: Buffer.from('1234567890').toString('base64url') }),
    ).toThrow(/^cursor/);
    expect(() => parsePage({ cursor: 'x'.repeat(10_000) })).toThrow(/^cursor/);
  });
});
