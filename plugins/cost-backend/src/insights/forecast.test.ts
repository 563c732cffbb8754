import { forecastMonthEnd } from './forecast';

/** A series of `count` days starting at `first`, each costing `total`. */
function flat(first: string, count: number, total: number) {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => ({
    day: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
    total,
  }));
}

describe('forecastMonthEnd', () => {
  it('projects spent so far plus the last 7 complete days’ mean for the rest of the month', () => {
    // April 2026: 1..14 at 100/day, 8..14 are the rate window; today is the 15th.
    const series = [
      ...flat('2026-04-01', 7, 100),
      ...flat('2026-04-08', 7, 200),
      { day: '2026-04-15', total: 5 }, // today's partial cost, left out
    ];
    const forecast = forecastMonthEnd(series, '2026-04-15');
    expect(forecast).toEqual({
      month: '2026-04',
      spent: 2100,
      projected: 2100 + 200 * 16,
      method:
        '2100.00 spent in 14 complete days + mean of the last 7 complete days (200.00/day) × 16 remaining days (today included)',
    });
  });

  it('on the 1st of the month projects the whole month from the previous month’s last week', () => {
    const series = [
      ...flat('2026-02-20', 9, 50), // February 2026 has 28 days
      { day: '2026-03-01', total: 3 },
    ];
    const forecast = forecastMonthEnd(series, '2026-03-01', 2000);
    expect(forecast?.month).toBe('2026-03');
    expect(forecast?.spent).toBe(0);
    expect(forecast?.projected).toBe(50 * 31);
    expect(forecast?.budgetUsed).toBeCloseTo(1550 / 2000);
    expect(forecast?.method).toContain('0.00 spent in 0 complete days');
    expect(forecast?.method).toContain('× 31 remaining days');
  });

  it('on the last day of the month adds one day at the recent rate', () => {
    const series = flat('2026-01-01', 30, 10);
    const forecast = forecastMonthEnd(series, '2026-01-31');
    expect(forecast?.spent).toBe(300);
    expect(forecast?.projected).toBe(310);
    expect(forecast?.method).toContain('× 1 remaining day (today included)');
  });

  it('reports budget use over and under 100 %', () => {
    const series = flat('2026-06-01', 14, 100); // June: 30 days → 3000
    expect(forecastMonthEnd(series, '2026-06-15', 2400)?.budgetUsed).toBe(1.25);
    expect(forecastMonthEnd(series, '2026-06-15', 6000)?.budgetUsed).toBe(0.5);
    expect(forecastMonthEnd(series, '2026-06-15')).not.toHaveProperty(
      'budgetUsed',
    );
  });

  it('takes the mean over the days with data only, and says so', () => {
    const series = [
      { day: '2026-05-10', total: 30 },
      { day: '2026-05-12', total: 90 },
    ];
    const forecast = forecastMonthEnd(series, '2026-05-15');
    expect(forecast?.projected).toBe(120 + 60 * 17);
    expect(forecast?.method).toContain(
      'mean of the 2 days with data in the last 7 complete days (60.00/day)',
    );
  });

  it('assumes no further cost when nothing was recorded in the last week', () => {
    const forecast = forecastMonthEnd(
      [{ day: '2026-05-02', total: 40 }],
      '2026-05-20',
    );
    expect(forecast?.projected).toBe(40);
    expect(forecast?.method).toContain(
      'no cost recorded in the last 7 complete days',
    );
  });

  it('is undefined without data in the month or the week before today', () => {
    expect(forecastMonthEnd([], '2026-05-20')).toBeUndefined();
    expect(
      forecastMonthEnd([{ day: '2026-04-01', total: 40 }], '2026-05-20'),
    ).toBeUndefined();
  });

  it('rejects an invalid day', () => {
    expect(() => forecastMonthEnd([], '2026-02-30')).toThrow(
      "Invalid forecast day '2026-02-30'",
    );
  });
});
