import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { resolve } from 'node:path';
import type { CostRecord } from '@paved/plugin-cost-common';
import { parseFocusCsv } from './parse';

const DEMO_FILE = resolve(
  __dirname,
  '../../../examples/focus/fernhill-cloud.focus.csv.gz',
);

describe('the demo FOCUS file (examples/focus)', () => {
  let records: CostRecord[];
  beforeAll(async () => {
    records = [];
    for await (const record of parseFocusCsv(
      createReadStream(DEMO_FILE).pipe(createGunzip()),
      {
        fileName: 'fernhill-cloud.focus.csv.gz',
      },
    )) {
      records.push(record);
    }
  });

  it('imports without errors, with daily rows for the 120 days up to 2026-11-26', () => {
    // The monthly support fee spreads over its whole month; the rest is daily.
    const days = [
      ...new Set(
        records
          .filter(r => r.serviceName !== 'AWS Support (Business)')
          .map(r => r.day),
      ),
    ].sort();
    expect(days).toHaveLength(120);
    expect(days[days.length - 1]).toBe('2026-11-26');
  });

  it('tags resources with the kubernetes ids of demo components', () => {
    const apps = new Set(records.map(r => r.labels.app).filter(Boolean));
    expect([...apps].sort()).toEqual([
      'checkout-service',
      'delivery-routing',
      'inventory-service',
      'order-events-ingestor',
      'orders-service',
      'payments-gateway',
      'product-catalog-service',
      'storefront-web',
    ]);
  });

  it('has shared, untagged costs that stay unattributed', () => {
    const nat = records.filter(r => r.resourceName === 'eu-west-prod-nat-a');
    expect(nat).toHaveLength(120);
    expect(nat.every(r => r.labels.app === undefined)).toBe(true);
    const transfer = records.filter(r => r.serviceName === 'AWS Data Transfer');
    expect(transfer.every(r => r.resourceId === undefined)).toBe(true);
  });

  it('spreads the monthly support fee over the days of the month', () => {
    const support = records.filter(
      r =>
        r.serviceName === 'AWS Support (Business)' &&
        r.day.startsWith('2026-10'),
    );
    expect(support).toHaveLength(31);
    expect(support.reduce((s, r) => s + r.effectiveCost, 0)).toBeCloseTo(
      540,
      6,
    );
  });

  it('has savings-plan rows whose EffectiveCost is below BilledCost', () => {
    const discounted = records.filter(r => r.effectiveCost < r.billedCost!);
    expect(discounted.length).toBeGreaterThan(0);
    expect(new Set(discounted.map(r => r.resourceName))).toEqual(
      new Set([
        'orders-db',
        'payments-db',
        ...[1, 2, 3, 4, 5, 6].map(n => `eu-west-prod-general-${n}`),
        ...[1, 2, 3].map(n => `eu-west-nonprod-general-${n}`),
      ]),
    );
  });

  it("bills the clusters' nodes, tagged with the cluster OpenCost names", () => {
    const nodes = records.filter(r => r.labels['eks:cluster-name']);
    expect(new Set(nodes.map(r => r.labels['eks:cluster-name']))).toEqual(
      new Set(['eu-west-prod', 'eu-west-nonprod']),
    );
    // Nine nodes a day, none tagged with an app (OpenCost allocates them).
    expect(nodes).toHaveLength(9 * 120);
    expect(nodes.every(r => r.labels.app === undefined)).toBe(true);
    expect(nodes.every(r => r.serviceCategory === 'Compute')).toBe(true);
  });
});
