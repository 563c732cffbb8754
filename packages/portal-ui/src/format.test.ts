import { ResponseError } from '@backstage/errors';
import {
  errorMessage,
  formatDateTime,
  formatDay,
  formatNumber,
  formatShortDay,
  formatUtcDateTime,
  isForbidden,
  plural,
} from './format';

describe('plural', () => {
  it('puts the noun in the plural unless there is exactly one', () => {
    expect(plural(1, 'service')).toBe('1 service');
    expect(plural(0, 'service')).toBe('0 services');
    expect(plural(2, 'delivered change')).toBe('2 delivered changes');
    expect(plural(3, 'pod', 'pods in total')).toBe('3 pods in total');
  });
});

describe('errorMessage and isForbidden', () => {
  it('shows the backend’s own words with the HTTP status, also from a bare error body', async () => {
    const proper = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'InputError', message: 'from must be before to' },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'content-type': 'application/json' } },
      ),
    );
    expect(errorMessage(proper)).toBe('from must be before to (HTTP 400)');
    const bare = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotAllowedError', message: 'Only portal admins' },
        }),
        { status: 403, headers: { 'content-type': 'application/json' } },
      ),
    );
    expect(errorMessage(bare)).toBe('Only portal admins (HTTP 403)');
    expect(isForbidden(bare)).toBe(true);
    expect(isForbidden(proper)).toBe(false);
    expect(errorMessage(new Error('Network down'))).toBe('Network down');
  });
});

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [4.04, '4'],
    [4.56, '4.6'],
    [9.94, '9.9'],
    [9.95, '10'],
    [123.4, '123'],
    [-3.25, '-3.2'],
  ])('writes %p as %p', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});

describe('dates and times', () => {
  it('writes days in UTC, whatever the reader’s time zone', () => {
    expect(formatDay('2026-03-03')).toBe('3 Mar 2026');
    expect(formatDay(new Date('2026-03-03T23:59:00Z'))).toBe('3 Mar 2026');
    expect(formatShortDay('2026-03-03')).toBe('3 Mar');
    expect(formatShortDay(new Date('2026-03-03T00:00:00Z'))).toBe('3 Mar');
  });

  it('writes a time in UTC, saying so, or in the reader’s time zone', () => {
    expect(formatUtcDateTime('2026-11-26T21:15:00.000Z')).toBe(
      '26 Nov 2026, 21:15 UTC',
    );
    expect(formatDateTime('2026-11-26T12:00:00.000Z')).toMatch(
      /^\d{1,2} Nov 2026, \d{2}:\d{2}$/,
    );
  });
});
