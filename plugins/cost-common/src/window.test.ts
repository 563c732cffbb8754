import {
  DAY_MS,
  MAX_COST_WINDOW_DAYS,
  addDays,
  dayStart,
  daysInMonthOf,
  formatDay,
  parseCostWindow,
} from './window';

const now = new Date('2026-11-27T15:00:00Z');

describe('parseCostWindow', () => {
  it('defaults to the last 30 full days, and to 30 days after a lone from', () => {
    expect(parseCostWindow({}, now)).toEqual({
      window: { from: '2026-10-28', to: '2026-11-27' },
    });
    expect(parseCostWindow({ from: '2026-01-01' }, now)).toEqual({
      window: { from: '2026-01-01', to: '2026-01-31' },
    });
  });

  it('accepts exactly 731 days, across a leap day, and refuses 732', () => {
    expect(
      parseCostWindow({ from: '2024-01-01', to: '2026-01-01' }, now),
    ).toEqual({ window: { from: '2024-01-01', to: '2026-01-01' } });
    expect(
      parseCostWindow({ from: '2024-01-01', to: '2026-01-02' }, now),
    ).toEqual({
      error: `from and to may be at most ${MAX_COST_WINDOW_DAYS} days apart, got 732`,
    });
  });

  it.each([
    ['a day that does not exist', '2026-02-30'],
    ['a timestamp without an offset', '2026-10-01T00:00:00'],
    ['a timestamp that is not a UTC midnight', '2026-10-01T06:00:00Z'],
    ['10,000 characters', 'x'.repeat(10_000)],
  ])('refuses %s as from, naming the parameter', (_what, from) => {
    const result = parseCostWindow({ from, to: '2026-10-05' }, now);
    expect('error' in result && result.error).toMatch(
      /^from must be a YYYY-MM-DD day .*got '.{1,41}'$/,
    );
  });

  it('accepts a timestamp with an offset at a UTC midnight', () => {
    expect(
      parseCostWindow(
        { from: '2026-09-30T20:00:00-04:00', to: '2026-10-02T00:00:00.000Z' },
        now,
      ),
    ).toEqual({ window: { from: '2026-10-01', to: '2026-10-02' } });
  });

  it('refuses an empty or reversed window', () => {
    expect(
      parseCostWindow({ from: '2026-10-01', to: '2026-10-01' }, now),
    ).toEqual({ error: 'from must be before to' });
  });

  it('judges the widest window at once, without a step per day', () => {
    const started = performance.now();
    const result = parseCostWindow(
      { from: '0001-01-01', to: '9999-12-31' },
      now,
    );
    expect('error' in result && result.error).toContain('at most 731 days');
    expect(performance.now() - started).toBeLessThan(20);
  });
});

describe('UTC days', () => {
  it('formats the UTC day of an instant, whatever the time of day', () => {
    expect(formatDay(Date.parse('2026-10-01T23:59:59.999Z'))).toBe(
      '2026-10-01',
    );
    expect(formatDay(Date.parse('2026-10-01T23:30:00-02:00'))).toBe(
      '2026-10-02',
    );
  });

  it('gives the start of a day, and nothing for a day that does not exist', () => {
    expect(dayStart('2026-10-01')).toBe(Date.parse('2026-10-01T00:00:00Z'));
    expect(dayStart('2024-02-29')).toBe(Date.parse('2024-02-29T00:00:00Z'));
    for (const wrong of ['2026-02-29', '2026-13-01', '2026-1-01', '']) {
      expect(dayStart(wrong)).toBeUndefined();
    }
  });

  it('adds days across months, years and a leap day', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(dayStart(addDays('2026-10-01', 30))! - dayStart('2026-10-01')!).toBe(
      30 * DAY_MS,
    );
    expect(() => addDays('2026-02-30', 1)).toThrow(
      "'2026-02-30' is not a YYYY-MM-DD day",
    );
  });

  it('counts the days of a month, February by the year', () => {
    expect(daysInMonthOf('2024-02-10')).toBe(29);
    expect(daysInMonthOf('2026-02-10')).toBe(28);
    expect(daysInMonthOf('2026-12-31')).toBe(31);
  });
});
