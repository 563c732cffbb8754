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

  finalDays(source: string, from: string, to: string): Promise<Set<string>> {
    return this.#store.finalDays(source, from, to);
  }
}
