import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseCsv } from '@paved/csv-export';
import type { CostRecord } from '@paved/plugin-cost-common';
import { FocusParseError, parseFocusCsv } from './parse';

const HEADER = [
  'BillingAccountId',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'ChargeCategory',
  'ServiceName',
  'ServiceCategory',
  'ResourceId',
  'ResourceName',
  'RegionId',
  'SubAccountId',
  'Tags',
];

type Row = Partial<Record<string, string>>;

const usage: Row = {
  BillingAccountId: '111122223333',
  ChargePeriodStart: '2026-11-03T00:00:00Z',
  ChargePeriodEnd: '2026-11-04T00:00:00Z',
  BilledCost: '12.5',
  EffectiveCost: '10.25',
  ListCost: '14',
  ChargeCategory: 'Usage',
  ServiceName: 'Amazon Relational Database Service',
  ServiceCategory: 'Databases',
  ResourceId: 'arn:aws:rds:eu-west-1:444455556666:db:orders-db',
  ResourceName: 'orders-db',
  RegionId: 'eu-west-1',
  SubAccountId: '444455556666',
  Tags: '{"app":"orders-service","team":"checkout"}',
};

/** A CSV cell as a careful exporter writes it: quoted when it must be. */
const cell = (value: string) =>
  /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

function csv(rows: Row[], header: string[] = HEADER) {
  return [
    header.join(','),
    ...rows.map(row => header.map(h => cell(row[h] ?? '')).join(',')),
  ].join('\r\n');
}

async function parseAll(text: string | Buffer, fileName = 'bill.csv') {
  const records: CostRecord[] = [];
  for await (const record of parseFocusCsv(Readable.from([text]), {
    fileName,
  })) {
    records.push(record);
  }
  return records;
}

/** The error a bad file throws, and how many rows came out before it. */
async function parseFailure(text: string) {
  const yielded: CostRecord[] = [];
  try {
    for await (const record of parseFocusCsv(Readable.from([text]), {
      fileName: 'bill.csv',
    })) {
      yielded.push(record);
    }
  } catch (error) {
    expect(error).toBeInstanceOf(FocusParseError);
    return { error: error as FocusParseError, yielded };
  }
  throw new Error('the file was accepted');
}

describe('parseFocusCsv', () => {
  it('maps every FOCUS column of a row to a cloud cost row', async () => {
    expect(await parseAll(csv([usage]))).toEqual([
      {
        kind: 'cloud',
        day: '2026-11-03',
        labels: { app: 'orders-service', team: 'checkout' },
        resourceId: 'arn:aws:rds:eu-west-1:444455556666:db:orders-db',
        resourceName: 'orders-db',
        serviceName: 'Amazon Relational Database Service',
        serviceCategory: 'Databases',
        regionId: 'eu-west-1',
        subAccountId: '444455556666',
        chargeCategory: 'Usage',
        costs: { cloudServices: 10.25 },
        effectiveCost: 10.25,
        billedCost: 12.5,
        listCost: 14,
      },
    ]);
  });

  it('reads the columns in any order, ignores other columns and tolerates a BOM', async () => {
    const shuffled = [...HEADER].reverse().concat('x_CustomColumn');
    const text = `\uFEFF${csv(
      [{ ...usage, x_CustomColumn: 'ignored' }],
      shuffled,
    )}`;
    const [record] = await parseAll(Buffer.from(text, 'utf8'));
    expect(record.effectiveCost).toBe(10.25);
    expect(record.billedCost).toBe(12.5);
    expect(record.resourceName).toBe('orders-db');
    expect(record).not.toHaveProperty('x_CustomColumn');
  });

  it('reads quoted values with commas, line breaks and escaped quotes', async () => {
    const [record] = await parseAll(
      csv([
        {
          ...usage,
          ServiceName: 'Amazon Simple Storage Service, Glacier',
          ResourceName: 'images "prod"\nbucket, eu',
          Tags: '{"app":"storefront-web","note":"a, b"}',
        },
        {
          ...usage,
          ChargePeriodStart: '2026-11-04',
          ChargePeriodEnd: '2026-11-05',
          BilledCost: 'x',
        },
      ])
        .split('\r\n')
        .slice(0, 2)
        .join('\r\n'),
    );
    expect(record.serviceName).toBe('Amazon Simple Storage Service, Glacier');
    expect(record.resourceName).toBe('images "prod"\nbucket, eu');
    expect(record.labels).toEqual({ app: 'storefront-web', note: 'a, b' });
  });

  it('leaves empty and absent optional columns out', async () => {
    const empty = await parseAll(
      csv([
        {
          ...usage,
          ResourceId: '',
          ResourceName: '',
          RegionId: '',
          SubAccountId: '',
          Tags: '',
        },
      ]),
    );
    const required = HEADER.filter(
      h =>
        ![
          'ResourceId',
          'ResourceName',
          'RegionId',
          'SubAccountId',
          'Tags',
          'BillingAccountId',
        ].includes(h),
    );
    const absent = await parseAll(csv([usage], required));
    for (const [record] of [empty, absent]) {
      expect(record.labels).toEqual({});
      expect(record.resourceId).toBeUndefined();
      expect(record.resourceName).toBeUndefined();
      expect(record.regionId).toBeUndefined();
      expect(record.subAccountId).toBeUndefined();
      expect(record.effectiveCost).toBe(10.25);
    }
  });

  it('turns tag values that are not strings into strings', async () => {
    const [record] = await parseAll(
      csv([
        {
          ...usage,
          Tags: '{"app":"fraud-scoring","replicas":3,"pci":true,"owner":null,"meta":{"a":1},"__proto__":"x"}',
        },
      ]),
    );
    // As entries: a "__proto__" tag is an ordinary label, not a prototype.
    expect(Object.entries(record.labels)).toEqual([
      ['app', 'fraud-scoring'],
      ['replicas', '3'],
      ['pci', 'true'],
      ['owner', ''],
      ['meta', '{"a":1}'],
      ['__proto__', 'x'],
    ]);
  });

  it('puts EffectiveCost in the category of its ServiceCategory', async () => {
    const rows = [
      { ServiceCategory: 'Compute' },
      { ServiceCategory: 'Storage' },
      { ServiceCategory: 'Networking' },
      { ServiceCategory: 'Networking', ServiceSubcategory: 'Load Balancing' },
      { ServiceCategory: 'Databases' },
      { ServiceCategory: 'Other' },
      { ServiceCategory: 'constructor' },
    ].map(r => ({ ...usage, ...r }));
    const records = await parseAll(
      csv(rows, [...HEADER, 'ServiceSubcategory']),
    );
    expect(records.map(r => r.costs)).toEqual([
      { compute: 10.25 },
      { storage: 10.25 },
      { network: 10.25 },
      { loadBalancer: 10.25 },
      { cloudServices: 10.25 },
      { cloudServices: 10.25 },
      { cloudServices: 10.25 },
    ]);
  });

  it('imports a real export: the FinOps Foundation’s FOCUS 1.0 sample data', async () => {
    // Zone-less date-times, unquoted NULLs and a column FOCUS does not
    // define, as AWS, Microsoft and Oracle exports write them.
    const text = await readFile(
      join(
        __dirname,
        '__fixtures__/focus-sample-data/focus_sample_excerpt.csv',
      ),
      'utf8',
    );
    const [header, ...rows] = parseCsv(text.replace(/\r\n/g, '\n'));
    const column = (name: string) => header.indexOf(name);
    const records = await parseAll(text, 'focus_sample_excerpt.csv');
    // Each row is one charge hour or day: one record each.
    expect(records).toHaveLength(rows.length);
    const expected = rows.reduce(
      (sum, row) => sum + Number(row[column('EffectiveCost')]),
      0,
    );
    const total = records.reduce((sum, r) => sum + r.effectiveCost, 0);
    expect(total).toBeCloseTo(expected, 9);
    const first = rows[0];
    expect(records[0]).toMatchObject({
      day: first[column('ChargePeriodStart')].slice(0, 10),
      serviceName: first[column('ServiceName')],
      regionId: first[column('RegionId')],
    });
    // NULL is no value: no AvailabilityZone-like text, no "NULL" labels.
    expect(records.some(r => r.resourceName === 'NULL')).toBe(false);
    const tagged = records.find(r => Object.keys(r.labels).length > 0);
    expect(tagged?.labels).toMatchObject({ environment: expect.any(String) });
    expect(new Set(records.map(r => r.serviceName)).size).toBeGreaterThan(5);
  });

  it('reads a date-time without a zone as UTC, as FOCUS defines them', async () => {
    const records = await parseAll(
      csv([
        {
          ...usage,
          ChargePeriodStart: '2026-11-05 23:00:00',
          ChargePeriodEnd: '2026-11-06 00:00:00',
        },
      ]),
    );
    expect(records.map(r => r.day)).toEqual(['2026-11-05']);
    const { error } = await parseFailure(
      csv([{ ...usage, ChargePeriodStart: '2026-11-05 24:00:00' }]),
    );
    expect(error.message).toMatch(
      /row 2, column ChargePeriodStart: "2026-11-05 24:00:00" is not an ISO 8601 date or date-time/,
    );
  });

  it('takes the day in UTC from dates, date-times with Z and with offsets', async () => {
    const records = await parseAll(
      csv([
        {
          ...usage,
          ChargePeriodStart: '2026-11-05',
          ChargePeriodEnd: '2026-11-06',
        },
        {
          ...usage,
          ChargePeriodStart: '2026-11-06T01:00:00+02:00',
          ChargePeriodEnd: '2026-11-06T02:00:00+02:00',
        },
        {
          ...usage,
          ChargePeriodStart: '2026-11-06T10:00:00.000Z',
          ChargePeriodEnd: '2026-11-06T11:00:00.000Z',
        },
      ]),
    );
    expect(records.map(r => r.day)).toEqual([
      '2026-11-05',
      '2026-11-05',
      '2026-11-06',
    ]);
  });

  describe('a charge over several days', () => {
    it('is split evenly over whole days, the parts adding up to the charge', async () => {
      const records = await parseAll(
        csv([
          {
            ...usage,
            ChargePeriodStart: '2026-11-01T00:00:00Z',
            ChargePeriodEnd: '2026-12-01T00:00:00Z',
            ChargeCategory: 'Purchase',
            ServiceName: 'AWS Support (Business)',
            BilledCost: '1000',
            EffectiveCost: '1000',
            ListCost: '1000',
          },
        ]),
      );
      expect(records).toHaveLength(30);
      expect(records[0].day).toBe('2026-11-01');
      expect(records[29].day).toBe('2026-11-30');
      expect(records[0].effectiveCost).toBeCloseTo(1000 / 30, 9);
      expect(records.reduce((s, r) => s + r.effectiveCost, 0)).toBe(1000);
      expect(records.reduce((s, r) => s + r.billedCost!, 0)).toBe(1000);
      expect(records.every(r => r.chargeCategory === 'Purchase')).toBe(true);
    });

    it('is split by the hours on each day when it crosses midnight', async () => {
      const records = await parseAll(
        csv([
          {
            ...usage,
            ChargePeriodStart: '2026-11-01T21:00:00Z',
            ChargePeriodEnd: '2026-11-02T01:00:00Z',
            EffectiveCost: '8',
          },
        ]),
      );
      expect(records.map(r => [r.day, r.effectiveCost])).toEqual([
        ['2026-11-01', 6],
        ['2026-11-02', 2],
      ]);
    });

    it('keeps a charge for an instant (start = end) on its day', async () => {
      const records = await parseAll(
        csv([
          {
            ...usage,
            ChargePeriodStart: '2026-11-07T12:00:00Z',
            ChargePeriodEnd: '2026-11-07T12:00:00Z',
          },
        ]),
      );
      expect(records.map(r => r.day)).toEqual(['2026-11-07']);
    });
  });

  describe('refuses a bad file, naming the row and column', () => {
    const good = { ...usage };
    const withBadSecondRow = (bad: Row) =>
      csv([good, { ...good, ...bad }, good]);

    it('missing required columns, before any row', async () => {
      const { error, yielded } = await parseFailure(
        csv(
          [usage],
          HEADER.filter(h => h !== 'BilledCost' && h !== 'ServiceCategory'),
        ),
      );
      expect(error.message).toBe(
        'FOCUS file bill.csv cannot be imported: row 1: missing required FOCUS columns BilledCost, ServiceCategory',
      );
      expect(yielded).toEqual([]);
    });

    it.each([
      [{ BilledCost: 'abc' }, 'column BilledCost: "abc" is not a number'],
      [{ EffectiveCost: '' }, 'column EffectiveCost: is empty'],
      [{ ListCost: '1,5' }, 'column ListCost: "1,5" is not a number'],
      [{ ListCost: '1e999' }, 'column ListCost: "1e999" is not a number'],
      [
        { ChargePeriodStart: '03/11/2026' },
        'column ChargePeriodStart: "03/11/2026" is not an ISO 8601 date',
      ],
      [{ ChargePeriodStart: '' }, 'column ChargePeriodStart: is empty'],
      [
        { ChargePeriodEnd: '2026-02-30T00:00:00Z' },
        'column ChargePeriodEnd: "2026-02-30T00:00:00Z" is not an ISO 8601 date',
      ],
      [
        { ChargePeriodStart: '2026-11-03T00:00:00 PM' },
        'column ChargePeriodStart: "2026-11-03T00:00:00 PM" is not an ISO 8601 date',
      ],
      [
        { ChargePeriodEnd: '2026-11-02T00:00:00Z' },
        'column ChargePeriodEnd: "2026-11-02T00:00:00Z" is before ChargePeriodStart "2026-11-03T00:00:00Z"',
      ],
      [
        { Tags: '{"app": orders}' },
        'column Tags: "{\\"app\\": orders}" is not JSON',
      ],
      [{ Tags: '["app"]' }, 'column Tags: "[\\"app\\"]" is not a JSON object'],
      [{ ServiceName: '' }, 'column ServiceName: is empty'],
      [
        {
          ChargePeriodStart: '2026-01-01T00:00:00Z',
          ChargePeriodEnd: '2027-01-02T12:00:00Z',
        },
        'columns ChargePeriodStart, ChargePeriodEnd: the charge period is 366.5 days long',
      ],
      [
        {
          ChargePeriodStart: '1900-01-01T00:00:00Z',
          ChargePeriodEnd: '2026-01-01T00:00:00Z',
        },
        'columns ChargePeriodStart, ChargePeriodEnd: the charge period is 46021 days long; a row covers at most 366 days',
      ],
      [
        { RegionId: 'r'.repeat(64) },
        `column RegionId: "${'r'.repeat(
          60,
        )}..." is 64 characters long; at most 63 are stored`,
      ],
      [{ ChargeCategory: 'c'.repeat(64) }, 'column ChargeCategory: '],
      [{ SubAccountId: '1'.repeat(256) }, 'column SubAccountId: '],
      [
        { ServiceName: 's'.repeat(300) },
        `column ServiceName: "${'s'.repeat(
          60,
        )}..." is 300 characters long; at most 255 are stored`,
      ],
      [{ ServiceCategory: 'x'.repeat(256) }, 'column ServiceCategory: '],
      [
        { ResourceName: 'vol\u00001' },
        'column ResourceName: contains a NUL character',
      ],
    ])('%j', async (bad, problem) => {
      const { error, yielded } = await parseFailure(withBadSecondRow(bad));
      expect(error.message).toContain(
        `FOCUS file bill.csv cannot be imported: row 3, ${problem}`,
      );
      expect(error.row).toBe(3);
      expect(error.name).toBe('InputError');
      // Only the good row before it came out; nothing after it.
      expect(yielded).toHaveLength(1);
    });

    it('a charge period longer than its billing period', async () => {
      const header = [...HEADER, 'BillingPeriodStart', 'BillingPeriodEnd'];
      const month = {
        ...usage,
        BillingPeriodStart: '2026-11-01T00:00:00Z',
        BillingPeriodEnd: '2026-12-01T00:00:00Z',
      };
      const { error, yielded } = await parseFailure(
        csv(
          [
            month,
            // A 45-day charge in a 30-day billing period.
            {
              ...month,
              ChargePeriodStart: '2026-10-17T00:00:00Z',
              ChargePeriodEnd: '2026-12-01T00:00:00Z',
            },
          ],
          header,
        ),
      );
      expect(error.message).toBe(
        'FOCUS file bill.csv cannot be imported: row 3, columns ChargePeriodStart, ChargePeriodEnd, BillingPeriodStart, BillingPeriodEnd: the charge period (45 days) is longer than its billing period (30 days)',
      );
      expect(yielded).toHaveLength(1);
      // As long as the billing period is fine, and characters are counted
      // as the database counts them.
      const records = await parseAll(
        csv(
          [
            {
              ...month,
              ChargePeriodStart: '2026-11-01T00:00:00Z',
              ChargePeriodEnd: '2026-12-01T00:00:00Z',
              RegionId: '🚀'.repeat(63),
            },
          ],
          header,
        ),
      );
      expect(records).toHaveLength(30);
      expect(records[0].regionId).toBe('🚀'.repeat(63));
    });

    it('counts rows as a spreadsheet does when values hold line breaks', async () => {
      const { error } = await parseFailure(
        csv([
          { ...usage, ResourceName: 'two\nlines' },
          { ...usage, BilledCost: 'abc' },
        ]),
      );
      expect(error.message).toContain('row 3, column BilledCost');
    });

    it('a row with more cells than the header', async () => {
      const { error } = await parseFailure(
        `${csv([usage, usage])}\r\n${csv([usage]).split('\r\n')[1]},extra`,
      );
      expect(error.message).toMatch(/row 4: not valid CSV/);
    });

    it('a quote that is never closed', async () => {
      const { error } = await parseFailure(
        `${csv([usage])}\r\n2026-11-03,"unclosed`,
      );
      expect(error.message).toMatch(/row 3: not valid CSV/);
    });

    it('an empty file', async () => {
      const { error } = await parseFailure('');
      expect(error.message).toMatch(/row 1: the file is empty/);
    });
  });

  it('streams: rows come out while the file is still being read, in bounded memory', async () => {
    const totalRows = 200_000;
    let produced = 0;
    const line = HEADER.map(h => cell(usage[h] ?? '')).join(',');
    function* lines() {
      yield `${HEADER.join(',')}\n`;
      for (; produced < totalRows; ) {
        // Chunks of 1,000 rows, as a file or socket delivers them.
        const chunk = [];
        for (let i = 0; i < 1000; i++, produced++) chunk.push(line);
        yield `${chunk.join('\n')}\n`;
      }
    }
    let seen = 0;
    let producedAtFirstThousand = -1;
    const heapAt = (n: number) =>
      seen === n ? process.memoryUsage().heapUsed : 0;
    let effectiveTotal = 0;
    let heapEarly = 0;
    let heapLate = 0;
    const started = Date.now();
    for await (const record of parseFocusCsv(Readable.from(lines()))) {
      seen++;
      if (seen === 1000) producedAtFirstThousand = produced;
      heapEarly ||= heapAt(20_000);
      heapLate ||= heapAt(totalRows);
      effectiveTotal += record.effectiveCost;
    }
    expect(seen).toBe(totalRows);
    expect(effectiveTotal).toBeCloseTo(totalRows * 10.25, 3);
    // Backpressure: the parser asked for more input only as rows were taken.
    expect(producedAtFirstThousand).toBeLessThan(50_000);
    // 180,000 more records held in memory (each over a kilobyte) would
    // take well over 180 MB; garbage not yet collected varies by run and
    // reached 67 MB once.
    expect(heapLate - heapEarly).toBeLessThan(128 * 1024 * 1024);
    // eslint-disable-next-line no-console
    console.info(
      `parsed ${totalRows} FOCUS rows at ${Math.round(
        totalRows / ((Date.now() - started) / 1000),
      )} rows/s`,
    );
  }, 120_000);
});
