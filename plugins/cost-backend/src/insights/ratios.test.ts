import { costPerRequest, reconcile } from './ratios';

describe('reconcile', () => {
  it('compares allocated and billed per month, sorted', () => {
    const result = reconcile(
      new Map([
        ['2026-03', 1100],
        ['2026-02', 900],
      ]),
      new Map([
        ['2026-02', 1000],
        ['2026-03', 1000],
      ]),
    );
    expect(result).toEqual([
      {
        month: '2026-02',
        allocated: 900,
        billed: 1000,
        differencePercent: -10,
      },
      {
        month: '2026-03',
        allocated: 1100,
        billed: 1000,
        differencePercent: 10,
      },
    ]);
  });

  it('has no percentage for a month without billing', () => {
    expect(
      reconcile(new Map([['2026-04', 500]]), new Map([['2026-05', 0]])),
    ).toEqual([
      { month: '2026-04', allocated: 500, billed: 0, differencePercent: null },
      { month: '2026-05', allocated: 0, billed: 0, differencePercent: null },
    ]);
  });

  it('shows a billed month nothing was allocated to as -100 %', () => {
    expect(reconcile(new Map(), new Map([['2026-04', 250]]))).toEqual([
      { month: '2026-04', allocated: 0, billed: 250, differencePercent: -100 },
    ]);
  });
});

describe('costPerRequest', () => {
  it('divides cost by requests per period, sorted', () => {
    expect(
      costPerRequest(
        new Map([
          ['2026-03-02', 30],
          ['2026-03-01', 10],
        ]),
        new Map([
          ['2026-03-01', 1000],
          ['2026-03-02', 2000],
        ]),
      ),
    ).toEqual([
      { period: '2026-03-01', cost: 10, requests: 1000, costPerRequest: 0.01 },
      { period: '2026-03-02', cost: 30, requests: 2000, costPerRequest: 0.015 },
    ]);
  });

  it('is null, not 0 or Infinity, with zero or missing requests', () => {
    expect(
      costPerRequest(
        new Map([
          ['2026-03-01', 10],
          ['2026-03-02', 12],
        ]),
        new Map([['2026-03-01', 0]]),
      ),
    ).toEqual([
      { period: '2026-03-01', cost: 10, requests: 0, costPerRequest: null },
      { period: '2026-03-02', cost: 12, requests: 0, costPerRequest: null },
    ]);
  });

  it('is 0 for a period that cost nothing but served requests', () => {
    expect(
      costPerRequest(new Map([['2026-03', 0]]), new Map([['2026-03', 50]])),
    ).toEqual([
      { period: '2026-03', cost: 0, requests: 50, costPerRequest: 0 },
    ]);
  });
});
