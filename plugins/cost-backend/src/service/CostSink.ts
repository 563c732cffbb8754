import type {
  CostRecordSink,
  CostReplaceRequest,
} from '@paved/plugin-cost-node';
import type { DatabaseCostStore } from '../database/CostStore';
import type { CostAllocator } from './CostAllocator';

/**
 * What sources write to: the store's all-or-nothing replace, followed by
 * allocating the label sets the import introduced and rewriting the pools of
 * its days and clusters, so new rows show up in entity views at once rather than at the
 * next scheduled refresh.
 */
export class CostSink implements CostRecordSink {
  readonly #store: DatabaseCostStore;
  readonly #allocator: CostAllocator;

  static create(options: {
    store: DatabaseCostStore;
    allocator: CostAllocator;
  }) {
    return new CostSink(options.store, options.allocator);
  }

  private constructor(store: DatabaseCostStore, allocator: CostAllocator) {
    this.#store = store;
    this.#allocator = allocator;
  }

  async replace(request: CostReplaceRequest): Promise<{ stored: number }> {
    const { stored, days, clusters } = await this.#store.replace(request);
    await this.#allocator.afterImport({ days, clusters });
    return { stored };
  }

  /**
   * The calls of `store` are stored at once; new label sets are allocated
   * and pools rewritten once at the end, for all the days and clusters
   * they touched (their union: a rewrite of a day and cluster nothing
   * changed only costs time).
   */
  async batch<T>(store: (sink: CostRecordSink) => Promise<T>): Promise<T> {
    const days = new Set<string>();
    const clusters = new Set<string>();
    const batched: CostRecordSink = {
      replace: async request => {
        const result = await this.#store.replace(request);
        for (const day of result.days) days.add(day);
        for (const cluster of result.clusters) clusters.add(cluster);
        return { stored: result.stored };
      },
      finalDays: (source, from, to) => this.finalDays(source, from, to),
      // A batch inside a batch is part of it.
      batch: inner => inner(batched),
    };
    const derive = () =>
      days.size === 0
        ? Promise.resolve()
        : this.#allocator
            .afterImport({ days: [...days], clusters: [...clusters] })
            .then(() => undefined);
    let result: T;
    try {
      result = await store(batched);
    } catch (e) {
      // What was stored before the failure still needs its pools; the
      // failure is what the caller hears about.
      await derive().catch(() => undefined);
      throw e;
    }
    await derive();
    return result;
  }

  finalDays(source: string, from: string, to: string): Promise<Set<string>> {
    return this.#store.finalDays(source, from, to);
  }
}
