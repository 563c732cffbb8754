import type { Knex } from 'knex';
import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { withDatabaseErrors } from '@paved/database-errors';

const migrationsDir = resolvePackagePath(
  '@paved/plugin-dora-backend-module-github',
  'migrations',
);

/**
 * Where the poller stopped in one repository and environment: the newest
 * deployment it fully processed, and the sha of the last successful
 * deployment (the base of the next compare), if there was one.
 */
export type PollCursor = {
  deploymentId: number;
  deploymentCreatedAt: Date;
  baseSha?: string;
};

/**
 * Webhook deliveries by `X-GitHub-Delivery`: each processed once, whichever
 * replica receives it, and however often.
 */
export interface DeliveryLog {
  /**
   * Claims a delivery for processing; false when it was processed already
   * or is being processed now (by this or another replica). A claim left
   * by a replica that died while processing is taken over once
   * {@link DELIVERY_CLAIM_MS} old.
   */
  claimDelivery(deliveryId: string, claimedAt: Date): Promise<boolean>;
  /** Records a claimed delivery as processed. */
  completeDelivery(deliveryId: string): Promise<void>;
  /** Gives up a claim, so that a redelivery is processed. */
  releaseDelivery(deliveryId: string, claimedAt: Date): Promise<void>;
}

/**
 * How long a claim holds: far longer than a delivery takes to process, so
 * only a claim whose replica died is ever taken over.
 */
export const DELIVERY_CLAIM_MS = 10 * 60_000;

/**
 * The GitHub source's own tables in the DORA plugin's database, migrated
 * with their own knex migrations table so they never meet the plugin's.
 */
export class GithubSourceStore implements DeliveryLog {
  readonly #db: Knex;

  static async create(database: DatabaseService): Promise<GithubSourceStore> {
    const db = await database.getClient();
    if (!database.migrations?.skip) {
      await db.migrate.latest({
        directory: migrationsDir,
        tableName: 'dora_github_knex_migrations',
      });
    }
    // A lost connection answers 503; other database errors log bounded.
    return withDatabaseErrors(new GithubSourceStore(db));
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  async getCursor(
    repository: string,
    environment: string,
  ): Promise<PollCursor | undefined> {
    const row = await this.#db('dora_github_poll_cursors')
      .where({ repository, environment })
      .first();
    if (!row) return undefined;
    return {
      deploymentId: Number(row.deployment_id),
      deploymentCreatedAt: new Date(row.deployment_created_at),
      ...(row.base_sha ? { baseSha: row.base_sha } : {}),
    };
  }

  /** Saves a repository's cursors (by environment) in one transaction. */
  async saveCursors(repository: string, cursors: Map<string, PollCursor>) {
    if (cursors.size === 0) return;
    const updatedAt = new Date();
    await this.#db.transaction(async tx => {
      for (const [environment, cursor] of cursors) {
        await tx('dora_github_poll_cursors')
          .insert({
            repository,
            environment,
            deployment_id: cursor.deploymentId,
            deployment_created_at: cursor.deploymentCreatedAt,
            base_sha: cursor.baseSha ?? null,
            updated_at: updatedAt,
          })
          .onConflict(['repository', 'environment'])
          .merge();
      }
    });
  }

  async claimDelivery(deliveryId: string, claimedAt: Date): Promise<boolean> {
    // One statement, atomic on both databases: a new delivery is inserted,
    // a stale claim taken over, anything else left alone. Only the replica
    // whose statement wrote the row gets it back.
    const claimed = await this.#db('dora_github_deliveries')
      .insert({
        delivery_id: deliveryId,
        received_at: claimedAt,
        processed: false,
      })
      .onConflict('delivery_id')
      .merge(['received_at'])
      .where('dora_github_deliveries.processed', false)
      .where(
        'dora_github_deliveries.received_at',
        '<',
        new Date(claimedAt.getTime() - DELIVERY_CLAIM_MS),
      )
      .returning('delivery_id');
    return claimed.length > 0;
  }

  async completeDelivery(deliveryId: string): Promise<void> {
    await this.#db('dora_github_deliveries')
      .where({ delivery_id: deliveryId })
      .update({ processed: true });
  }

  async releaseDelivery(deliveryId: string, claimedAt: Date): Promise<void> {
    // Only this claim: not one another replica took over meanwhile.
    await this.#db('dora_github_deliveries')
      .where({
        delivery_id: deliveryId,
        received_at: claimedAt,
        processed: false,
      })
      .delete();
  }

  /** Forgets deliveries received before the given time; returns how many. */
  async pruneDeliveries(receivedBefore: Date): Promise<number> {
    return this.#db('dora_github_deliveries')
      .where('received_at', '<', receivedBefore)
      .delete();
  }
}
