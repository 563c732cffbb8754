import { resolveWindow } from './window';

describe('resolveWindow', () => {
  it('ends with today (UTC) and has the window before it', () => {
    // 00:30 in Berlin is still the previous day in UTC.
    const now = new Date('2026-11-26T23:30:00.000Z');
    expect(resolveWindow('90', now)).toEqual({
      from: '2026-08-29',
      to: '2026-11-27',
      days: 90,
      label: 'Last 90 days',
      previous: { from: '2026-05-31', to: '2026-08-29' },
    });
  });

  it('falls back to 30 days for an unknown preset', () => {
    const window = resolveWindow('7', new Date('2026-03-01T12:00:00Z'));
    expect([window.from, window.to, window.days]).toEqual([
      '2026-01-31',
      '2026-03-02',
      30,
    ]);
  });
});
