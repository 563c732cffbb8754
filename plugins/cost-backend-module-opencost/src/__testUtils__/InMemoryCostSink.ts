import type { CostRecord } from '@paved/plugin-cost-common';
import type {
  CostRecordSink,
  CostReplaceRequest,
} from '@paved/plugin-cost-node';

/**
 * A stand-in for the cost backend's sink with the contract's semantics:
 * replace is all or nothing per call, rows of other sources and days are
 * untouched, and final days are remembered per source.
 */
export class InMemoryCostSink implements CostRecordSink {
  /** Rows by source, then by day. */
  readonly rows = new Map<string, Map<string, CostRecord[]>>();
  readonly finals = new Map<string, Set<string>>();
  readonly calls: Array<Omit<CostReplaceRequest, 'records'>> = [];

  async replace(request: CostReplaceRequest) {
    const { records, ...rest } = request;
    const incoming: CostRecord[] = [];
    for await (const r of records as AsyncIterable<CostRecord>)
      incoming.push(r);
    const from = request.from ?? incoming.map(r => r.day).sort()[0];
    const to = request.to ?? '9999-12-31';
    for (const r of incoming) {
      if (r.day < from || r.day >= to) {
        throw new Error(`record for ${r.day} outside [${from}, ${to})`);
      }
    }
    this.calls.push(rest);
    const byDay = this.rows.get(request.source) ?? new Map();
    const finals = this.finals.get(request.source) ?? new Set();
    for (
      let d = new Date(`${from}T00:00:00Z`);
      d.toISOString().slice(0, 10) < to;
      d.setUTCDate(d.getUTCDate() + 1)
    ) {
      const day = d.toISOString().slice(0, 10);
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

  /** All rows a source holds, across days. */
  records(source: string): CostRecord[] {
    return [...(this.rows.get(source)?.values() ?? [])].flat();
  }

  days(source: string): string[] {
    return [...(this.rows.get(source)?.keys() ?? [])].sort();
  }
}
