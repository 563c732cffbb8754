import { addDays, type CostRecord } from '@paved/plugin-cost-common';
import type { CostRecordSink, CostReplaceRequest } from '../index';

/**
 * The cost sink's contract in memory, for the tests of cost sources:
 * `replace` reads the whole iterable first and changes nothing when reading
 * throws; then it replaces the source's rows for [from, to), or for the
 * days the records cover, and remembers which days are final. Rows of
 * other sources and days are untouched. `transaction` puts everything
 * back as it was when its function throws.
 */
export class InMemoryCostSink implements CostRecordSink {
  /** Rows by source, then by day. */
  readonly rows = new Map<string, Map<string, CostRecord[]>>();
  readonly finals = new Map<string, Set<string>>();
  /** Every stored call, without its records. */
  readonly calls: Array<Omit<CostReplaceRequest, 'records'>> = [];
  /** How many batches were run. */
  batches = 0;
  /** How many transactions were run (and committed). */
  transactions = 0;

  async replace(request: CostReplaceRequest) {
    const { records, ...call } = request;
    const incoming: CostRecord[] = [];
    for await (const record of records) incoming.push(record);
    const days = new Set<string>();
    if (request.from !== undefined && request.to !== undefined) {
      for (let day = request.from; day < request.to; day = addDays(day, 1)) {
        days.add(day);
      }
      for (const r of incoming) {
        if (!days.has(r.day)) {
          throw new Error(
            `record for ${r.day} outside [${request.from}, ${request.to})`,
          );
        }
      }
    } else {
      for (const r of incoming) days.add(r.day);
    }
    this.calls.push(call);
    const byDay = this.rows.get(request.source) ?? new Map();
    const finals = this.finals.get(request.source) ?? new Set();
    for (const day of days) {
      byDay.set(
        day,
        incoming.filter(r => r.day === day),
      );
      if (request.final) finals.add(day);
      else finals.delete(day);
    }
    this.rows.set(request.source, byDay);
    this.finals.set(request.source, finals);
    return { stored: incoming.length };
  }

  async finalDays(source: string, from: string, to: string) {
    return new Set(
      [...(this.finals.get(source) ?? [])].filter(d => d >= from && d < to),
    );
  }

  async batch<T>(store: (sink: CostRecordSink) => Promise<T>): Promise<T> {
    this.batches++;
    return store(this);
  }

  async transaction<T>(
    store: (sink: CostRecordSink) => Promise<T>,
  ): Promise<T> {
    const rows = new Map(
      [...this.rows].map(([source, byDay]) => [source, new Map(byDay)]),
    );
    const finals = new Map(
      [...this.finals].map(([source, days]) => [source, new Set(days)]),
    );
    const calls = this.calls.length;
    try {
      const result = await store(this);
      this.transactions++;
      return result;
    } catch (error) {
      // All or nothing: what the failed transaction stored goes.
      this.rows.clear();
      for (const [source, byDay] of rows) this.rows.set(source, byDay);
      this.finals.clear();
      for (const [source, days] of finals) this.finals.set(source, days);
      this.calls.splice(calls);
      throw error;
    }
  }

  /** All rows a source holds, oldest day first. */
  records(source: string): CostRecord[] {
    const byDay = this.rows.get(source) ?? new Map<string, CostRecord[]>();
    return [...byDay.keys()].sort().flatMap(day => byDay.get(day)!);
  }

  /** The days a source has stored (with or without rows). */
  days(source: string): string[] {
    return [...(this.rows.get(source)?.keys() ?? [])].sort();
  }

  /** The source's EffectiveCost total, rounded to cents. */
  effectiveTotal(source: string) {
    const total = this.records(source).reduce(
      (sum, r) => sum + r.effectiveCost,
      0,
    );
    return Math.round(total * 100) / 100;
  }
}
