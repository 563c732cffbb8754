import type { Knex } from 'knex';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { withDatabaseErrors } from '@paved/database-errors';
import type { TemplateRelease } from '@paved/plugin-scorecards-common';

/**
 * How soon services created from a golden path reached production: those
 * created in the window, how many have deployed to production since, and
 * the median time from the template run to the first deployment.
 */
export type FirstDeployments = {
  services: number;
  deployed: number;
  medianHours: number | null;
};

/** Template runs per week (Monday, UTC) and per template. */
export type TemplateRuns = {
  weeks: Array<{ week: string; runs: number }>;
  templates: Array<{ templateRef: string; runs: number }>;
  /**
   * Undefined in rows written before it was measured; null when DORA could
   * not be read.
   */
  firstDeployments?: FirstDeployments | null;
};

/** One day's adoption of the golden paths. */
export type AdoptionDay = {
  day: string;
  components: number;
  onGoldenPath: number;
  onCurrentVersion: number;
  teams: number;
  teamsOnGoldenPath: number;
  templateRuns: TemplateRuns | null;
  /** Each golden path's current release and its uptake (none in older rows). */
  releases?: TemplateRelease[];
};

/** Golden-path adoption per day, written by the evaluation pass. */
export class AdoptionStore {
  readonly #db: Knex;

  /** The scorecards' migrations have run (ScorecardStore.create). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<AdoptionStore> {
    return withDatabaseErrors(
      new AdoptionStore(await options.database.getClient()),
    );
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  /** Writes or replaces the day's row (one per day, whichever replica). */
  async record(adoption: AdoptionDay) {
    await this.#db('scorecard_adoption')
      .insert({
        day: adoption.day,
        components: adoption.components,
        on_golden_path: adoption.onGoldenPath,
        on_current_version: adoption.onCurrentVersion,
        teams: adoption.teams,
        teams_on_golden_path: adoption.teamsOnGoldenPath,
        template_runs: adoption.templateRuns
          ? JSON.stringify(adoption.templateRuns)
          : null,
        releases: adoption.releases ? JSON.stringify(adoption.releases) : null,
      })
      .onConflict('day')
      .merge();
  }

  /** Adds days not recorded yet (the local demo's made-up past). */
  async backfill(days: AdoptionDay[]) {
    for (const adoption of days) {
      await this.#db('scorecard_adoption')
        .insert({
          day: adoption.day,
          components: adoption.components,
          on_golden_path: adoption.onGoldenPath,
          on_current_version: adoption.onCurrentVersion,
          teams: adoption.teams,
          teams_on_golden_path: adoption.teamsOnGoldenPath,
          template_runs: null,
        })
        .onConflict('day')
        .ignore();
    }
  }

  /** The days from `since` (YYYY-MM-DD) on, oldest first. */
  async history(since: string): Promise<AdoptionDay[]> {
    const rows = await this.#db('scorecard_adoption')
      .where('day', '>=', since)
      .orderBy('day');
    return rows.map((row: any) => ({
      day: String(row.day),
      components: Number(row.components),
      onGoldenPath: Number(row.on_golden_path),
      onCurrentVersion: Number(row.on_current_version),
      teams: Number(row.teams),
      teamsOnGoldenPath: Number(row.teams_on_golden_path),
      templateRuns: row.template_runs ? JSON.parse(row.template_runs) : null,
      releases: row.releases ? JSON.parse(row.releases) : [],
    }));
  }
}
