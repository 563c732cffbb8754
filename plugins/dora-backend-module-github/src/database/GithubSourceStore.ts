import type { Knex } from 'knex';
import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';

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

/** Webhook deliveries already processed, by `X-GitHub-Delivery`. */
export interface DeliveryLog {
  hasDelivery(deliveryId: string): Promise<boolean>;
  recordDelivery(deliveryId: string, receivedAt: Date): Promise<void>;
}

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
    return new GithubSourceStore(db);
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

  async hasDelivery(deliveryId: string): Promise<boolean> {
    const row = await this.#db('dora_github_deliveries')
      .where({ delivery_id: deliveryId })
      .first('delivery_id');
    return Boolean(row);
  }

  async recordDelivery(deliveryId: string, receivedAt: Date): Promise<void> {
    await this.#db('dora_github_deliveries')
      .insert({ delivery_id: deliveryId, received_at: receivedAt })
      .onConflict('delivery_id')
      .ignore();
  }

  /** Forgets deliveries received before the given time; returns how many. */
  async pruneDeliveries(receivedBefore: Date): Promise<number> {
    return this.#db('dora_github_deliveries')
      .where('received_at', '<', receivedBefore)
      .delete();
  }
}
