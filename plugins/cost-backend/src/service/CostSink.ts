import type {
  CostRecordSink,
  CostReplaceRequest,
} from '@paved/plugin-cost-node';
import type { CostImportTransaction, CostStore } from '../database/CostStore';
import type { CostAllocator } from './CostAllocator';

/**
 * What sources write to: the store's all-or-nothing replace, followed by
 * allocating the label sets the import introduced and rewriting the pools of
 * its days and clusters, so new rows show up in entity views at once rather than at the
 * next scheduled refresh.
 */
export class CostSink implements CostRecordSink {
  readonly #store: CostStore;
  readonly #allocator: CostAllocator;

  static create(options: { store: CostStore; allocator: CostAllocator }) {
    return new CostSink(options.store, options.allocator);
  }

  private constructor(store: CostStore, allocator: CostAllocator) {
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
    const touched = (result: { days: string[]; clusters: string[] }) => {
      for (const day of result.days) days.add(day);
      for (const cluster of result.clusters) clusters.add(cluster);
    };
    const batched: CostRecordSink = {
      replace: async request => {
        const result = await this.#store.replace(request);
        touched(result);
        return { stored: result.stored };
      },
      finalDays: (source, from, to) => this.finalDays(source, from, to),
      // A batch inside a batch is part of it.
      batch: inner => inner(batched),
      transaction: async inner => {
        const result = await this.#store.transaction(tx =>
          inner(transactionSink(tx)),
        );
        touched(result);
        return result.result;
      },
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

  /**
   * The calls of `store` are one database transaction: all stored, or
   * none when it throws. Pools are rewritten once, after the commit.
   */
  async transaction<T>(
    store: (sink: CostRecordSink) => Promise<T>,
  ): Promise<T> {
    const { result, days, clusters } = await this.#store.transaction(tx =>
      store(transactionSink(tx)),
    );
    if (days.length > 0) await this.#allocator.afterImport({ days, clusters });
    return result;
  }

  finalDays(source: string, from: string, to: string): Promise<Set<string>> {
    return this.#store.finalDays(source, from, to);
  }
}

/** A sink whose calls are part of one store transaction. */
function transactionSink(tx: CostImportTransaction): CostRecordSink {
  const sink: CostRecordSink = {
    replace: async request => ({ stored: (await tx.replace(request)).stored }),
    finalDays: (source, from, to) => tx.finalDays(source, from, to),
    // Nested, they are part of the transaction.
    batch: inner => inner(sink),
    transaction: inner => inner(sink),
  };
  return sink;
}
