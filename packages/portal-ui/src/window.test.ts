import { resolveWindow } from './window';

const maxDays = { maxDays: 731 };

describe('resolveWindow', () => {
  it('takes "last N days" as the N UTC days ending with today, and compares them with the N before', () => {
    // 00:30 in Berlin is still the previous day in UTC.
    const now = new Date('2026-11-26T23:30:00.000Z');
    expect(resolveWindow({ preset: '90' }, now, maxDays)).toEqual({
      from: '2026-08-29',
      to: '2026-11-27',
      days: 90,
      label: 'Last 90 days',
      previous: { from: '2026-05-31', to: '2026-08-29' },
    });
  });

  it('is the same window all day long', () => {
    const morning = resolveWindow(
      { preset: '30' },
      new Date('2026-03-01T00:00:00.000Z'),
      maxDays,
    );
    const evening = resolveWindow(
      { preset: '30' },
      new Date('2026-03-01T23:59:59.999Z'),
      maxDays,
    );
    expect(morning).toEqual(evening);
    expect([morning.from, morning.to, morning.days]).toEqual([
      '2026-01-31',
      '2026-03-02',
      30,
    ]);
  });

  it('falls back to the last 30 days for an unknown preset', () => {
    expect(
      resolveWindow({ preset: '8' }, new Date('2026-03-01T12:00:00Z'), maxDays),
    ).toMatchObject({ days: 30, label: 'Last 30 days' });
  });

  it('takes "last 7 days" as the week ending with today', () => {
    expect(
      resolveWindow({ preset: '7' }, new Date('2026-12-04T09:00:00Z'), maxDays),
    ).toEqual({
      from: '2026-11-28',
      to: '2026-12-05',
      days: 7,
      label: 'Last 7 days',
      previous: { from: '2026-11-21', to: '2026-11-28' },
    });
  });

  it('takes "last month" as the previous calendar month, compared with the one before', () => {
    expect(
      resolveWindow(
        { preset: 'last-month' },
        new Date('2026-03-04T09:00:00Z'),
        maxDays,
      ),
    ).toEqual({
      from: '2026-02-01',
      to: '2026-03-01',
      days: 28,
      label: 'February 2026',
      previous: { from: '2026-01-01', to: '2026-02-01' },
    });
    // January looks back into the previous year.
    expect(
      resolveWindow(
        { preset: 'last-month' },
        new Date('2027-01-15T00:00:00Z'),
        maxDays,
      ),
    ).toMatchObject({
      from: '2026-12-01',
      to: '2027-01-01',
      previous: { from: '2026-11-01', to: '2026-12-01' },
    });
  });

  it('takes "this month" as the month so far, compared with the same days of the month before', () => {
    expect(
      resolveWindow(
        { preset: 'this-month' },
        new Date('2026-12-04T23:59:00Z'),
        maxDays,
      ),
    ).toEqual({
      from: '2026-12-01',
      to: '2026-12-05',
      days: 4,
      label: 'December 2026 so far',
      previous: { from: '2026-11-01', to: '2026-11-05' },
    });
    // On 31 March the month before has only 28 days: compare with all of it.
    expect(
      resolveWindow(
        { preset: 'this-month' },
        new Date('2026-03-31T12:00:00Z'),
        maxDays,
      ).previous,
    ).toEqual({ from: '2026-02-01', to: '2026-03-01' });
  });

  it('covers the whole of a custom window’s last day', () => {
    expect(
      resolveWindow(
        { preset: 'custom', from: '2026-03-01', to: '2026-03-31' },
        new Date('2026-11-26T12:34:00.000Z'),
        maxDays,
      ),
    ).toEqual({
      from: '2026-03-01',
      to: '2026-04-01',
      days: 31,
      label: '1 Mar 2026 – 31 Mar 2026',
      previous: { from: '2026-01-29', to: '2026-03-01' },
    });
  });

  it('falls back to the last 30 days and says why when the custom dates do not make a window', () => {
    const now = new Date('2026-11-26T12:34:00.000Z');
    const backwards = resolveWindow(
      { preset: 'custom', from: '2026-03-10', to: '2026-03-01' },
      now,
      maxDays,
    );
    expect(backwards).toMatchObject({ days: 30, to: '2026-11-27' });
    expect(backwards.problem).toMatch(
      /start date must not be after the end date/,
    );
    expect(
      resolveWindow(
        { preset: 'custom', from: '2026-02-30', to: '2026-03-01' },
        now,
        maxDays,
      ).problem,
    ).toMatch(/start date must not be after the end date/);
    expect(resolveWindow({ preset: 'custom' }, now, maxDays).problem).toMatch(
      /Pick a start and an end date/,
    );
  });

  it('keeps a custom window within the days the backends answer for', () => {
    const now = new Date('2026-11-26T12:34:00.000Z');
    const longest = resolveWindow(
      { preset: 'custom', from: '2024-11-26', to: '2026-11-25' },
      now,
      maxDays,
    );
    expect(longest.days).toBe(730);
    expect(longest.problem).toBeUndefined();
    const tooLong = resolveWindow(
      { preset: 'custom', from: '2020-01-01', to: '2026-11-25' },
      now,
      maxDays,
    );
    expect(tooLong.days).toBe(30);
    expect(tooLong.problem).toBe(
      'A window may be at most 731 days long; showing the last 30 days.',
    );
  });
});
