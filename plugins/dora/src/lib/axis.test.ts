import { valueAxis } from './axis';

const HOUR = 3600;
const DAY = 86_400;

describe('valueAxis', () => {
  it('writes every duration tick in one unit, from zero past the largest value', () => {
    const axis = valueAxis('duration', [5.5 * HOUR, null, 7.8 * HOUR]);
    expect(axis.ticks.map(axis.format)).toEqual([
      '0 h',
      '2 h',
      '4 h',
      '6 h',
      '8 h',
    ]);
    const days = valueAxis('duration', [9.3 * DAY, 2 * DAY]);
    expect(days.ticks.map(days.format)).toEqual(['0 d', '5 d', '10 d']);
  });

  it('keeps frequencies in the unit of the largest value', () => {
    const weekly = valueAxis('frequency', [0.6, 0.3, 0]);
    expect(weekly.ticks.map(weekly.format)).toEqual([
      '0 / week',
      '2 / week',
      '4 / week',
      '6 / week',
    ]);
    const daily = valueAxis('frequency', [3, 3, 2.9]);
    expect(daily.ticks.map(daily.format)).toEqual([
      '0 / day',
      '1 / day',
      '2 / day',
      '3 / day',
    ]);
  });

  it('writes rates as percentages and never past 100%', () => {
    const axis = valueAxis('rate', [0.071, 0.046, 0]);
    expect(axis.ticks.map(axis.format)).toEqual(['0%', '2%', '4%', '6%', '8%']);
    expect(valueAxis('rate', [1, 0.5]).ticks.at(-1)).toBe(1);
  });

  it('still draws an axis without data', () => {
    expect(valueAxis('duration', [null, null]).ticks.length).toBeGreaterThan(1);
  });
});
