import { findAnomalies } from './anomalies';

function days(first: string, totals: number[]) {
  const start = Date.parse(`${first}T00:00:00Z`);
  return totals.map((total, i) => ({
    day: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
    total,
  }));
}

// 14 days alternating 90/110: mean 100, sample std-dev sqrt(1400/13) ≈ 10.377
const baseline = Array.from({ length: 14 }, (_, i) => (i % 2 ? 110 : 90));
const baselineStdDev = Math.sqrt((14 * 100) / 13);

describe('findAnomalies', () => {
  it('flags a spike with the numbers behind it', () => {
    const anomalies = findAnomalies(days('2026-03-01', [...baseline, 400]));
    expect(anomalies).toHaveLength(1);
    const [spike] = anomalies;
    expect(spike.day).toBe('2026-03-15');
    expect(spike.cost).toBe(400);
    expect(spike.direction).toBe('spike');
    expect(spike.baselineMean).toBeCloseTo(100);
    expect(spike.baselineStdDev).toBeCloseTo(baselineStdDev);
    expect(spike.score).toBeCloseTo(300 / baselineStdDev);
  });

  it('never flags the day that is not over yet', () => {
    const series = days('2026-03-01', [...baseline, 3]);
    expect(findAnomalies(series)).toHaveLength(1);
    expect(findAnomalies(series, { notOverFrom: '2026-03-15' })).toEqual([]);
  });

  it('flags a drop', () => {
    const [drop, ...rest] = findAnomalies(
      days('2026-03-01', [...baseline, 20]),
    );
    expect(rest).toEqual([]);
    expect(drop).toMatchObject({ day: '2026-03-15', direction: 'drop' });
    expect(drop.score).toBeCloseTo(80 / baselineStdDev);
  });

  it('leaves a day within the threshold alone, and honours a custom threshold', () => {
    const series = days('2026-03-01', [...baseline, 125]); // ≈ 2.4 σ
    expect(findAnomalies(series)).toEqual([]);
    expect(findAnomalies(series, { threshold: 2 })).toHaveLength(1);
  });

  it('finds nothing in a flat series', () => {
    expect(findAnomalies(days('2026-03-01', Array(40).fill(250)))).toEqual([]);
  });

  it('needs at least 7 baseline days', () => {
    expect(
      findAnomalies(days('2026-03-01', [10, 10, 10, 10, 10, 10, 900])),
    ).toEqual([]);
    expect(
      findAnomalies(days('2026-03-01', [10, 10, 10, 10, 10, 10, 10, 900])),
    ).toHaveLength(1);
  });

  it('only looks back baselineDays calendar days', () => {
    // 10 expensive days long ago, then a gap: the baseline of the last day is too short.
    const series = [
      ...days('2026-01-01', Array(10).fill(1000)),
      ...days('2026-02-20', [5]),
    ];
    expect(findAnomalies(series)).toEqual([]);
    expect(findAnomalies(series, { baselineDays: 60 })).toHaveLength(1);
  });

  it('does not flag tiny costs moving by cents', () => {
    const cents = [...Array(14).fill(0.02), 0.6];
    expect(findAnomalies(days('2026-03-01', cents))).toEqual([]);
    expect(
      findAnomalies(days('2026-03-01', cents), { minDifference: 0.1 }),
    ).toHaveLength(1);
  });

  it('gives a finite score against a perfectly flat baseline', () => {
    const [spike] = findAnomalies(
      days('2026-03-01', [...Array(14).fill(200), 260]),
    );
    // σ floored at 5 % of the 200 mean = 10 → 6 σ
    expect(spike.baselineStdDev).toBe(10);
    expect(spike.score).toBe(6);
  });
});

describe('what changed on an anomalous day', () => {
  // 14 days of 60 compute + 40 cloud services (+ a little network), then a
  // day the managed database stopped billing and compute grew a little.
  const normal = { compute: 60, cloudServices: 40, network: 2 };
  const series = [
    ...days(
      '2026-03-01',
      Array.from({ length: 14 }, () => 102),
    ).map(d => ({ ...d, byCategory: normal })),
    {
      day: '2026-03-15',
      total: 70,
      byCategory: { compute: 66, cloudServices: 2, network: 2 },
    },
  ];

  it('names the category that moved furthest, against its own baseline', () => {
    const [drop] = findAnomalies(series);
    expect(drop).toMatchObject({ day: '2026-03-15', direction: 'drop' });
    expect(drop.change).toEqual({
      category: 'cloudServices',
      cost: 2,
      baselineMean: 40,
    });
  });

  it('looks in the day’s direction: a spike names what grew', () => {
    const spike = [
      ...series.slice(0, 14),
      {
        day: '2026-03-15',
        total: 190,
        byCategory: { compute: 150, cloudServices: 38, network: 2 },
      },
    ];
    expect(findAnomalies(spike)[0].change).toEqual({
      category: 'compute',
      cost: 150,
      baselineMean: 60,
    });
  });

  it('sums a day listed twice, categories included', () => {
    const [first, ...rest] = series.slice(14);
    const split = [
      ...series.slice(0, 14),
      {
        ...first,
        total: 35,
        byCategory: { compute: 33, cloudServices: 1, network: 1 },
      },
      {
        ...first,
        total: 35,
        byCategory: { compute: 33, cloudServices: 1, network: 1 },
      },
      ...rest,
    ];
    expect(findAnomalies(split)[0]).toMatchObject({
      cost: 70,
      change: { category: 'cloudServices', cost: 2, baselineMean: 40 },
    });
  });

  it('says nothing of categories when the series has none', () => {
    expect(
      findAnomalies(days('2026-03-01', [...baseline, 400]))[0].change,
    ).toBeUndefined();
  });
});
