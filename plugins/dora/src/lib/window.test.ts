import { resolveWindow } from './window';

const now = new Date('2026-11-26T12:34:00.000Z');

describe('resolveWindow', () => {
  it('reads a preset as whole UTC days ending with today, as timestamps, and compares it with the window before', () => {
    expect(resolveWindow({ preset: '90' }, now)).toEqual({
      from: '2026-08-29T00:00:00.000Z',
      to: '2026-11-27T00:00:00.000Z',
      days: 90,
      label: 'Last 90 days',
      previous: {
        from: '2026-05-31T00:00:00.000Z',
        to: '2026-08-29T00:00:00.000Z',
      },
    });
  });

  it('covers the whole of a custom window’s last day', () => {
    expect(
      resolveWindow(
        { preset: 'custom', from: '2026-03-01', to: '2026-03-31' },
        now,
      ),
    ).toMatchObject({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
      days: 31,
      label: '1 Mar 2026 – 31 Mar 2026',
      previous: { from: '2026-01-29T00:00:00.000Z' },
    });
  });

  it('keeps a custom window within the 731 days the backend answers for', () => {
    const longest = resolveWindow(
      { preset: 'custom', from: '2024-11-26', to: '2026-11-25' },
      now,
    );
    expect(longest.days).toBe(730);
    expect(longest.problem).toBeUndefined();
    const tooLong = resolveWindow(
      { preset: 'custom', from: '2020-01-01', to: '2026-11-25' },
      now,
    );
    expect(tooLong.days).toBe(30);
    expect(tooLong.problem).toBe(
      'A window may be at most 731 days long; showing the last 30 days.',
    );
  });
});
