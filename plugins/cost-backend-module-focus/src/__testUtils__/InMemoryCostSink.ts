import type { CostRecord } from '@paved/plugin-cost-common';
import type {
  CostRecordSink,
  CostReplaceRequest,
} from '@paved/plugin-cost-node';

/**
 * The cost sink's contract in memory, for tests: `replace` reads the whole
 * iterable first and changes nothing when reading throws; then it replaces
 * the source's rows for [from, to), or for the days the records cover.
 */
export class InMemoryCostSink implements CostRecordSink {
  readonly #rows = new Map<string, CostRecord[]>();
  readonly calls: string[] = [];

  async replace(request: CostReplaceRequest) {
    this.calls.push(request.source);
    const incoming: CostRecord[] = [];
    for await (const record of request.records) incoming.push(record);
    const covered = new Set(incoming.map(r => r.day));
    const replaced = (day: string) =>
      request.from && request.to
        ? day >= request.from && day < request.to
        : covered.has(day);
    const kept = (this.#rows.get(request.source) ?? []).filter(
      r => !replaced(r.day),
    );
    this.#rows.set(request.source, [...kept, ...incoming]);
    return { stored: incoming.length };
  }

  async finalDays() {
    return new Set<string>();
  }

  rows(source: string) {
    return this.#rows.get(source) ?? [];
  }

  /** The source's EffectiveCost total, rounded to cents. */
  effectiveTotal(source: string) {
    const total = this.rows(source).reduce(
      (sum, r) => sum + r.effectiveCost,
      0,
    );
    return Math.round(total * 100) / 100;
  }
}
