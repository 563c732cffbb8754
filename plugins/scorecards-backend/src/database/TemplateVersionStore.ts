import type { Knex } from 'knex';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { withDatabaseErrors } from '@paved/database-errors';
import type { ComponentVersionSeen, ReleaseSeen } from '../checks/releases';

/** Rows written per statement (SQLite allows 999 bound values). */
const WRITE_CHUNK = 200;

const toDate = (value: string | Date | number) =>
  value instanceof Date ? value : new Date(value);

/**
 * When each golden-path version, and each component on it, was first
 * seen by an evaluation. Rows are only ever added (a version first seen
 * stays first seen, whichever replica saw it), so re-running a pass
 * changes nothing.
 */
export class TemplateVersionStore {
  readonly #db: Knex;

  /** The scorecards' migrations have run (ScorecardStore.create). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<TemplateVersionStore> {
    return withDatabaseErrors(
      new TemplateVersionStore(await options.database.getClient()),
    );
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  /**
   * Records the versions a pass saw: the templates' current versions (a
   * version of a template seen for the first time counts as released
   * before Paved watched it) and the version each component records.
   */
  async record(
    now: Date,
    templates: Array<{ templateRef: string; version: string }>,
    components: Array<{
      entityRef: string;
      templateRef: string;
      version: string;
    }>,
  ): Promise<void> {
    await this.#db.transaction(async tx => {
      const known = new Set(
        (await tx('scorecard_template_releases').distinct('template_ref')).map(
          (row: { template_ref: string }) => row.template_ref,
        ),
      );
      for (let i = 0; i < templates.length; i += WRITE_CHUNK) {
        await tx('scorecard_template_releases')
          .insert(
            templates.slice(i, i + WRITE_CHUNK).map(t => ({
              template_ref: t.templateRef,
              version: t.version,
              first_seen: now,
              seen_at_start: !known.has(t.templateRef),
            })),
          )
          .onConflict(['template_ref', 'version'])
          .ignore();
      }
      for (let i = 0; i < components.length; i += WRITE_CHUNK) {
        await tx('scorecard_component_versions')
          .insert(
            components.slice(i, i + WRITE_CHUNK).map(c => ({
              entity_ref: c.entityRef,
              template_ref: c.templateRef,
              version: c.version,
              first_seen: now,
            })),
          )
          .onConflict(['entity_ref', 'template_ref', 'version'])
          .ignore();
      }
    });
  }

  /** The versions of the given templates as first seen. */
  async releases(templateRefs: string[]): Promise<ReleaseSeen[]> {
    const rows: any[] = [];
    for (let i = 0; i < templateRefs.length; i += WRITE_CHUNK) {
      rows.push(
        ...(await this.#db('scorecard_template_releases').whereIn(
          'template_ref',
          templateRefs.slice(i, i + WRITE_CHUNK),
        )),
      );
    }
    return rows.map(row => ({
      templateRef: row.template_ref,
      version: row.version,
      firstSeen: toDate(row.first_seen),
      seenAtStart: Boolean(row.seen_at_start),
    }));
  }

  /** Every version each component of the given templates was seen on. */
  async componentVersions(
    templateRefs: string[],
  ): Promise<ComponentVersionSeen[]> {
    const rows: any[] = [];
    for (let i = 0; i < templateRefs.length; i += WRITE_CHUNK) {
      rows.push(
        ...(await this.#db('scorecard_component_versions').whereIn(
          'template_ref',
          templateRefs.slice(i, i + WRITE_CHUNK),
        )),
      );
    }
    return rows.map(row => ({
      entityRef: row.entity_ref,
      templateRef: row.template_ref,
      version: row.version,
      firstSeen: toDate(row.first_seen),
    }));
  }

  /**
   * The local demo's past: each release came out at `releasedAt`, and each
   * component now on it was on an earlier version before and reached it
   * at `reachedAt`. Only releases still marked as seen at the start are
   * moved back (so a second process changes nothing); never in production.
   */
  async backdateForDemo(
    releases: Array<{
      templateRef: string;
      version: string;
      releasedAt: Date;
      components: Array<{
        entityRef: string;
        reachedAt: Date;
        earlierVersion: string;
        earlierAt: Date;
      }>;
    }>,
  ): Promise<void> {
    await this.#db.transaction(async tx => {
      for (const release of releases) {
        const moved = await tx('scorecard_template_releases')
          .where({
            template_ref: release.templateRef,
            version: release.version,
            seen_at_start: true,
          })
          .update({ first_seen: release.releasedAt, seen_at_start: false });
        if (Number(moved) === 0) continue;
        for (const c of release.components) {
          await tx('scorecard_component_versions')
            .where({
              entity_ref: c.entityRef,
              template_ref: release.templateRef,
              version: release.version,
            })
            .update({ first_seen: c.reachedAt });
          await tx('scorecard_component_versions')
            .insert({
              entity_ref: c.entityRef,
              template_ref: release.templateRef,
              version: c.earlierVersion,
              first_seen: c.earlierAt,
            })
            .onConflict(['entity_ref', 'template_ref', 'version'])
            .ignore();
        }
      }
    });
  }
}
