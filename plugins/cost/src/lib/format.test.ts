import {
  formatMoney,
  formatMoneyAxis,
  formatMoneyChange,
  formatShare,
} from './format';

describe('money and shares', () => {
  it('writes amounts in the given currency, keeping fractions of a cent readable', () => {
    expect(formatMoney(12345.678, 'USD')).toBe('$12,345.68');
    expect(formatMoney(0, 'EUR')).toBe('€0.00');
    expect(formatMoney(0.000412345, 'USD')).toBe('$0.000412');
    expect(formatMoney(null, 'USD')).toBe('—');
    expect(formatMoneyChange(-3.5, 'GBP')).toBe('−£3.50');
  });

  it('keeps chart tick labels of amounts under a cent short', () => {
    expect(formatMoneyAxis(0.0000135, 'USD')).toBe('$0.000014');
    expect(formatMoneyAxis(0, 'USD')).toBe('$0.00');
    expect(formatMoneyAxis(12.5, 'EUR')).toBe('€12.50');
  });

  it('writes shares as percentages', () => {
    expect(formatShare(0.925)).toBe('93%');
    expect(formatShare(0.045)).toBe('4.5%');
    expect(formatShare(null)).toBe('—');
  });
});
