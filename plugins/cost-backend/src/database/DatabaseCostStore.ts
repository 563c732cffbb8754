import type { Knex } from 'knex';
import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { withDatabaseErrors } from '@paved/database-errors';
import type { CostSourceStatus } from '@paved/plugin-cost-common';
import type { CostReplaceRequest } from '@paved/plugin-cost-node';
import * as allocations from './allocations';
import { CostImports, finalDays, sourceStatuses } from './costImports';
import * as reads from './costReads';
import type {
  CostImportTransaction,
  CostStore,
  CostWindow,
  DirectCostRow,
  DirectCostScope,
  DirectTotalRow,
  LabelSetAllocation,
  NodeBillRow,
  PoolRow,
  PoolRules,
  ReplaceResult,
  UnattributedGroup,
} from './CostStore';
import * as dayPools from './dayPools';

const migrationsDir = resolvePackagePath(
  '@paved/plugin-cost-backend',
  'migrations',
);

/**
 * Cost rows, label sets and their allocation to entities, on SQLite or
 * PostgreSQL: imports in costImports.ts, the allocation mapping in
 * allocations.ts, the derived day pools in dayPools.ts and the reads in
 * costReads.ts.
 */
export class DatabaseCostStore implements CostStore {
  readonly #db: Knex;
  readonly #imports: CostImports;

  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }) {
    const db = await options.database.getClient();
    if (!options.skipMigrations && !options.database.migrations?.skip) {
      await db.migrate.latest({ directory: migrationsDir });
    }
    // A lost connection answers 503; other database errors log bounded.
    return withDatabaseErrors(new DatabaseCostStore(db));
  }

  private constructor(db: Knex) {
    this.#db = db;
    this.#imports = new CostImports(db);
  }

  // --- imports --------------------------------------------------------------

  /**
   * Stores a source's rows for some days, replacing what it stored for those
   * days, in one transaction. Records are consumed in chunks, so memory
   * stays bounded however many there are. Any error rolls everything back
   * and propagates unchanged. A ConflictError when another import of the
   * source is running (see `transaction`).
   */
  replace(request: CostReplaceRequest): Promise<ReplaceResult> {
    return this.#imports.replace(request);
  }

  /** See `CostImports.transaction`. */
  transaction<T>(
    store: (tx: CostImportTransaction) => Promise<T>,
  ): Promise<{ result: T; days: string[]; clusters: string[] }> {
    return this.#imports.transaction(store);
  }

  /** The days in [from, to) the source has stored as final. */
  finalDays(source: string, from: string, to: string): Promise<Set<string>> {
    return finalDays(this.#db, source, from, to);
  }

  sources(): Promise<CostSourceStatus[]> {
    return sourceStatuses(this.#db);
  }

  // --- allocation mapping ---------------------------------------------------

  labelSets(
    options: { onlyUnallocated?: boolean } = {},
  ): Promise<Array<{ id: number; labels: Record<string, string> }>> {
    return allocations.labelSets(this.#db, options);
  }

  saveAllocations(labelSets: LabelSetAllocation[]): Promise<number> {
    return allocations.saveAllocations(this.#db, labelSets);
  }

  // --- day pools ------------------------------------------------------------

  refreshDayPools(
    rules: PoolRules,
    only: { days?: string[]; clusters?: string[] } = {},
  ): Promise<void> {
    return dayPools.refreshDayPools(this.#db, rules, only);
  }

  dayPools(window: CostWindow): Promise<Array<PoolRow & DirectTotalRow>> {
    return dayPools.dayPools(this.#db, window);
  }

  dayPoolsMissing(): Promise<boolean> {
    return dayPools.dayPoolsMissing(this.#db);
  }

  // --- reads ----------------------------------------------------------------

  directCost(options: {
    scope: DirectCostScope;
    from: string;
    to: string;
    rules: PoolRules;
    perEntity?: boolean;
  }): Promise<DirectCostRow[]> {
    return reads.directCost(this.#db, options);
  }

  nodeBills(window: CostWindow): Promise<NodeBillRow[]> {
    return reads.nodeBills(this.#db, window);
  }

  unattributed(options: {
    from: string;
    to: string;
    rules: PoolRules;
    limit: number;
  }): Promise<UnattributedGroup[]> {
    return reads.unattributed(this.#db, options);
  }

  unattributedLabelSets(options: {
    from: string;
    to: string;
    rules: PoolRules;
    limit: number;
  }): Promise<Array<{ labels: Record<string, string>; cost: number }>> {
    return reads.unattributedLabelSets(this.#db, options);
  }
}
