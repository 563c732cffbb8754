import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { queryAllEntities } from '@paved/catalog-scopes';
import type { DoraAliasConflict } from '@paved/plugin-dora-common';

export const DORA_SERVICE_ANNOTATION = 'paved.dev/dora-service';
export const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/**
 * Which catalog component an event's `service` names: by entity ref, by
 * `paved.dev/dora-service` alias, by `github.com/project-slug` or by name.
 * What a read's scope covers is the shared `CatalogScopeResolver`'s
 * business (see `DoraMetricsService`).
 */
export class DoraServiceIndex {
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;

  static create(options: { catalog: CatalogService; auth: AuthService }) {
    return new DoraServiceIndex(options.catalog, options.auth);
  }

  private constructor(catalog: CatalogService, auth: AuthService) {
    this.#catalog = catalog;
    this.#auth = auth;
  }

  /**
   * Events arrive without a caller (webhooks, pollers, the background
   * attribution), so which component a service names is decided with the
   * plugin's own credentials. What a read covers is always resolved with
   * the reader's.
   */
  async #ownCredentials(): Promise<BackstageCredentials> {
    return this.#auth.getOwnServiceCredentials();
  }

  /**
   * Maps each service name to a component ref: an entity ref as is, else the
   * component whose `paved.dev/dora-service` annotation equals it, else the
   * one whose `github.com/project-slug` equals it (`owner/repo`), else the
   * component of that name. Unknown names map to null (unattributed), and so
   * do aliases in conflict (see `aliasConflicts`): an ambiguous name is never
   * given to whichever component happens to be listed last.
   */
  async resolveServices(
    services: string[],
  ): Promise<Map<string, string | null>> {
    const index = await this.#serviceIndex();
    const resolved = new Map<string, string | null>();
    for (const service of services) {
      let ref: string | null = null;
      if (service.includes(':')) {
        try {
          const candidate = stringifyEntityRef(parseEntityRef(service));
          ref = index.refs.has(candidate) ? candidate : null;
        } catch {
          ref = null;
        }
      } else if (!index.conflicts.has(service)) {
        ref =
          index.byAlias.get(service) ??
          index.bySlug.get(service.toLocaleLowerCase('en-US')) ??
          index.byName.get(service) ??
          null;
      }
      resolved.set(service, ref);
    }
    return resolved;
  }

  /**
   * `paved.dev/dora-service` aliases that cannot be resolved safely: one
   * that two or more components claim, or one that is another component's
   * name (in the default namespace, where bare names resolve) or
   * `github.com/project-slug`. Events naming such an alias stay
   * unattributed until the catalog is fixed.
   */
  async aliasConflicts(): Promise<DoraAliasConflict[]> {
    const { conflicts } = await this.#serviceIndex();
    return [...conflicts.values()].sort((a, b) =>
      a.alias.localeCompare(b.alias),
    );
  }

  async #serviceIndex() {
    // Paged: every component of the organisation in bounded requests.
    const items = await queryAllEntities(
      this.#catalog,
      { kind: 'component' },
      {
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
        credentials: await this.#ownCredentials(),
      },
    );
    const refs = new Set<string>();
    const claims = new Map<string, Set<string>>();
    const bySlug = new Map<string, string>();
    const byName = new Map<string, string>();
    for (const entity of items) {
      const ref = stringifyEntityRef(entity);
      refs.add(ref);
      const alias = entity.metadata.annotations?.[DORA_SERVICE_ANNOTATION];
      if (alias) claims.set(alias, (claims.get(alias) ?? new Set()).add(ref));
      const slug = entity.metadata.annotations?.[PROJECT_SLUG_ANNOTATION];
      if (slug) bySlug.set(slug.toLocaleLowerCase('en-US'), ref);
      if ((entity.metadata.namespace ?? 'default') === 'default') {
        byName.set(entity.metadata.name, ref);
      }
    }
    const byAlias = new Map<string, string>();
    const conflicts = new Map<string, DoraAliasConflict>();
    for (const [alias, claimants] of claims) {
      const reasons: string[] = [];
      const involved = new Set(claimants);
      if (claimants.size > 1) {
        reasons.push(`claimed by ${claimants.size} components`);
      }
      const named = byName.get(alias);
      if (named && !claimants.has(named)) {
        reasons.push(`the name of ${named}`);
        involved.add(named);
      }
      const slugged = bySlug.get(alias.toLocaleLowerCase('en-US'));
      if (slugged && !claimants.has(slugged)) {
        reasons.push(`the github.com/project-slug of ${slugged}`);
        involved.add(slugged);
      }
      if (reasons.length > 0) {
        conflicts.set(alias, {
          alias,
          claimedBy: [...involved].sort(),
          reason: `${DORA_SERVICE_ANNOTATION} '${alias}' is ${reasons.join(
            ' and ',
          )}; its events stay unattributed until one component claims it`,
        });
      } else {
        byAlias.set(alias, [...claimants][0]);
      }
    }
    return { refs, byAlias, bySlug, byName, conflicts };
  }
}
