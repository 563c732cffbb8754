import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { queryAllEntities } from '@paved/catalog-scopes';
import type { DoraAliasConflict } from '@paved/plugin-dora-common';

export const DORA_SERVICE_ANNOTATION = 'paved.dev/dora-service';
export const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/** Fields the index needs of a component. */
const INDEX_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
];

/**
 * Names per catalog query when resolving services. Every used name is
 * resolved again about every half minute: at 5,000 services, chunks of 100
 * made the catalog answer ten queries a second during a backfill (most of
 * its requests, each with its own authentication and permission check);
 * chunks of 500 make it two, each still one indexed condition.
 */
const RESOLVE_CHUNK = 500;
/**
 * How long a resolution is fresh. An older one still answers, up to
 * {@link RESOLUTION_MAX_AGE_MS}, while it is resolved again in the
 * background with every other name about to age: a steady stream of
 * batches, each naming a few services whose resolution just aged, costs
 * full chunks of catalog queries per interval instead of three queries
 * per batch.
 */
const RESOLUTION_TTL_MS = 30_000;
/**
 * The oldest resolution that still answers: a catalog change (a new alias)
 * applies to new events after at most this long; events already stored
 * unattributed are attributed again by the late attribution.
 */
const RESOLUTION_MAX_AGE_MS = 60_000;
const RESOLUTION_CACHE_SIZE = 20_000;

/**
 * Which component each alias, slug and name stands for, among `items`, and
 * the aliases in conflict there. Complete for a name when `items` holds
 * every component claiming it as alias, slug or name.
 */
function indexOf(items: Entity[]) {
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

/**
 * Which catalog component an event's `service` names: by entity ref, by
 * `paved.dev/dora-service` alias, by `github.com/project-slug` or by name.
 * What a read's scope covers is the shared `CatalogScopeResolver`'s
 * business (see `DoraMetricsService`).
 */
export class DoraServiceIndex {
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  /**
   * Recent resolutions, oldest first; `used`: a batch named the service
   * since it was resolved.
   */
  readonly #resolved = new Map<
    string,
    { ref: string | null; at: number; used: boolean }
  >();
  /** The background resolution of aged names, while one runs. */
  #refreshing: Promise<void> | undefined;

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
   *
   * Asks the catalog only about the names given (bounded requests whose
   * size does not depend on the catalog's), so ingest neither slows down as
   * the catalog grows nor reads it whole per batch. Answers are kept: a
   * name unknown or resolved more than {@link RESOLUTION_MAX_AGE_MS} ago is
   * resolved before answering; one older than {@link RESOLUTION_TTL_MS}
   * answers as kept and is resolved again in the background.
   */
  async resolveServices(
    services: string[],
  ): Promise<Map<string, string | null>> {
    const resolved = new Map<string, string | null>();
    const now = Date.now();
    const unknown: string[] = [];
    let aged = false;
    for (const service of new Set(services)) {
      const kept = this.#resolved.get(service);
      if (!kept || now - kept.at >= RESOLUTION_MAX_AGE_MS) {
        unknown.push(service);
        continue;
      }
      resolved.set(service, kept.ref);
      kept.used = true;
      if (now - kept.at >= RESOLUTION_TTL_MS) aged = true;
    }
    if (aged) this.#refreshAged();
    for (const [service, ref] of await this.#resolveNow(unknown, true)) {
      resolved.set(service, ref);
    }
    return resolved;
  }

  /**
   * Resolves names from the catalog in chunks and keeps the answers, dated
   * when they were asked (never newer than the catalog they read).
   */
  async #resolveNow(
    services: string[],
    used: boolean,
  ): Promise<Map<string, string | null>> {
    const resolved = new Map<string, string | null>();
    const asked = Date.now();
    for (let i = 0; i < services.length; i += RESOLVE_CHUNK) {
      const chunk = services.slice(i, i + RESOLVE_CHUNK);
      for (const [service, ref] of await this.#resolveFromCatalog(chunk)) {
        resolved.set(service, ref);
        this.#remember(service, ref, asked, used);
      }
    }
    return resolved;
  }

  /**
   * Resolves again, in the background and one full chunk after another,
   * every name a batch has named since it was resolved and that is at
   * least half a TTL old: those about to age as well as those that have,
   * so the next batches find them fresh. One such pass at a time, over the
   * names due when it starts; names that become due while it runs wait for
   * the next pass (a pass that also took those, as they came, asked the
   * catalog about two or three names at a time, back to back: 10 to 35
   * queries a second for as long as an organisation's history poured in).
   * A name it resolves is due again only once a batch names it. A failure
   * leaves the names as kept: past the maximum age they are resolved
   * before answering, where a failure is the ingest's to report.
   */
  #refreshAged() {
    if (this.#refreshing) return;
    const due = this.#due();
    this.#refreshing = this.#resolveNow(due, false)
      .then(() => undefined)
      .catch(() => undefined)
      .finally(() => {
        this.#refreshing = undefined;
      });
  }

  /** The used names at least half a TTL old, oldest first. */
  #due(): string[] {
    const due: string[] = [];
    const now = Date.now();
    for (const [service, kept] of this.#resolved) {
      if (now - kept.at < RESOLUTION_TTL_MS / 2) break;
      if (kept.used) due.push(service);
    }
    return due;
  }

  /** Settles once no background resolution runs. */
  async settled(): Promise<void> {
    while (this.#refreshing) await this.#refreshing;
  }

  #remember(service: string, ref: string | null, at: number, used: boolean) {
    if (this.#resolved.size >= RESOLUTION_CACHE_SIZE) {
      // Oldest first: a Map iterates in insertion order.
      for (const key of this.#resolved.keys()) {
        this.#resolved.delete(key);
        if (this.#resolved.size < RESOLUTION_CACHE_SIZE * 0.9) break;
      }
    }
    this.#resolved.delete(service);
    this.#resolved.set(service, { ref, at, used });
  }

  /** Resolves a bounded list of names with at most three bounded catalog queries. */
  async #resolveFromCatalog(
    services: string[],
  ): Promise<Map<string, string | null>> {
    const refs: string[] = [];
    const names: string[] = [];
    for (const service of services) {
      if (!service.includes(':')) {
        names.push(service);
        continue;
      }
      try {
        refs.push(stringifyEntityRef(parseEntityRef(service)));
      } catch {
        // Not an entity ref: resolves to nothing.
      }
    }
    // One catalog query per kind of claim, each a single indexed condition
    // (the catalog answers `name IN (...)` from its index in under a
    // millisecond; an `$any` of them, or with `kind`, makes it test every
    // component of the catalog: 80 ms at 5,000). The kind is checked here.
    const queries: Array<Parameters<typeof queryAllEntities>[1]> = [];
    if (names.length) {
      queries.push(
        { [`metadata.annotations.${DORA_SERVICE_ANNOTATION}`]: { $in: names } },
        { [`metadata.annotations.${PROJECT_SLUG_ANNOTATION}`]: { $in: names } },
      );
    }
    const byName = [...names, ...refs.map(ref => parseEntityRef(ref).name)];
    if (byName.length) {
      queries.push({ 'metadata.name': { $in: [...new Set(byName)] } });
    }
    const credentials = queries.length
      ? await this.#ownCredentials()
      : undefined;
    const answers = await Promise.all(
      queries.map(query =>
        queryAllEntities(this.#catalog, query, {
          fields: INDEX_FIELDS,
          credentials: credentials!,
        }),
      ),
    );
    const unique = new Map<string, Entity>();
    for (const entity of answers.flat()) {
      if (entity.kind.toLocaleLowerCase('en-US') !== 'component') continue;
      unique.set(stringifyEntityRef(entity), entity);
    }
    const items = [...unique.values()];
    const index = indexOf(items);
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
      { fields: INDEX_FIELDS, credentials: await this.#ownCredentials() },
    );
    return indexOf(items);
  }
}
