import { Readable } from 'node:stream';
import { InputError } from '@backstage/errors';
import { InMemoryCostSink } from '@paved/plugin-cost-node/testUtils';
import { FocusSource } from './FocusSource';

const HEADER =
  'BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,ListCost,ChargeCategory,ChargeClass,ServiceName,ServiceCategory,ResourceId,Tags';

/** A billing period's file: its own days, and corrections of earlier ones. */
function monthFile(
  period: [string, string],
  rows: Array<{ day: string; cost: number; correction?: boolean }>,
) {
  const lines = rows.map(({ day, cost, correction }) => {
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000)
      .toISOString()
      .slice(0, 10);
    return [
      `${period[0]}T00:00:00Z`,
      `${period[1]}T00:00:00Z`,
      `${day}T00:00:00Z`,
      `${next}T00:00:00Z`,
      cost,
      cost,
      cost,
      correction ? 'Adjustment' : 'Usage',
      correction ? 'Correction' : '',
      'Amazon Relational Database Service',
      'Databases',
      'arn:aws:rds:eu-west-1:1:db:orders-db',
      '"{""app"":""orders-service""}"',
    ].join(',');
  });
  return `${[HEADER, ...lines].join('\n')}\n`;
}

describe('FocusSource', () => {
  async function setup() {
    const sink = new InMemoryCostSink();
    const source = FocusSource.create();
    await source.connect(sink);
    const importFile = (fileName: string, text: string) =>
      source.importFile({
        name: 'aws',
        fileName,
        input: Readable.from([text]),
      });
    /** Effective cost per day over the import's sources. */
    const daily = () => {
      const totals: Record<string, number> = {};
      for (const id of sink.rows.keys()) {
        for (const record of sink.records(id)) {
          totals[record.day] = (totals[record.day] ?? 0) + record.effectiveCost;
        }
      }
      return totals;
    };
    return { sink, importFile, daily };
  }

  const october = monthFile(
    ['2026-10-01', '2026-11-01'],
    [
      { day: '2026-10-14', cost: 10 },
      { day: '2026-10-15', cost: 10 },
    ],
  );
  const november = monthFile(
    ['2026-11-01', '2026-12-01'],
    [
      { day: '2026-11-01', cost: 12 },
      // A refund for October 15th, billed in November.
      { day: '2026-10-15', cost: -4, correction: true },
    ],
  );

  it('adds the corrections a file makes to earlier periods instead of replacing those days', async () => {
    const { importFile, daily } = await setup();
    await importFile('2026-10.csv', october);
    const result = await importFile('2026-11.csv', november);
    expect(daily()).toEqual({
      '2026-10-14': 10,
      '2026-10-15': 6,
      '2026-11-01': 12,
    });
    // The file's own days; the correction is not one of them.
    expect(result).toMatchObject({
      source: 'focus:aws',
      stored: 2,
      days: 1,
      from: '2026-11-01',
      to: '2026-11-01',
    });
  });

  it('changes nothing when the same file is imported again, in either order', async () => {
    const { importFile, daily } = await setup();
    await importFile('2026-11.csv', november);
    await importFile('2026-10.csv', october);
    await importFile('2026-11.csv', november);
    await importFile('2026-10.csv', october);
    expect(daily()).toEqual({
      '2026-10-14': 10,
      '2026-10-15': 6,
      '2026-11-01': 12,
    });
  });

  it('drops the corrections a re-exported file no longer has', async () => {
    const { importFile, daily } = await setup();
    await importFile('2026-10.csv', october);
    await importFile('2026-11.csv', november);
    const reissued = monthFile(
      ['2026-11-01', '2026-12-01'],
      [
        { day: '2026-11-01', cost: 12 },
        { day: '2026-10-14', cost: -1, correction: true },
      ],
    );
    await importFile('2026-11-v2.csv', reissued);
    expect(daily()).toEqual({
      '2026-10-14': 9,
      '2026-10-15': 10,
      '2026-11-01': 12,
    });
  });

  it('stores nothing of a file whose corrections fail to store, and keeps the previous import', async () => {
    const { sink, importFile, daily } = await setup();
    await importFile('2026-10.csv', october);
    await importFile('2026-11.csv', november);
    const before = daily();
    // The store refuses a correction row late, after the file's own rows
    // were stored in the same transaction.
    const replace = sink.replace.bind(sink);
    jest.spyOn(sink, 'replace').mockImplementation(async request => {
      if (request.source.includes(':corrections-')) {
        throw new InputError(
          'Cost record 1: resourceName contains a NUL character',
        );
      }
      return replace(request);
    });
    const reissued = monthFile(
      ['2026-11-01', '2026-12-01'],
      [
        { day: '2026-11-01', cost: 99 },
        { day: '2026-11-02', cost: 99 },
        { day: '2026-10-14', cost: -1, correction: true },
      ],
    );
    await expect(importFile('2026-11-v2.csv', reissued)).rejects.toThrow(
      'resourceName contains a NUL character',
    );
    expect(daily()).toEqual(before);
    expect(sink.transactions).toBe(2);
  });
});
