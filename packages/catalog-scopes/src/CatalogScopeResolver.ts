import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  type CompoundEntityRef,
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError, isError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  SCOPE_PAGE_SIZE,
  catalogUnavailable,
  entitiesInGroupsOfType,
  entitiesInScope,
  queryAllEntities,
} from './scopes';

/** An entity a scope covers. */
export type ScopeMember = {
  entityRef: string;
  title?: string;
  /** The member's kind, name, namespace, title and the resolver's `memberFields`. */
  entity: Entity;
};

/** What one catalog entity covers. */
export type EntityScope = {
  /**
   * `entity`: the entity is of a member kind and covers only itself;
   * `system`: its parts; `group`: what it or any group below it owns.
   */
  kind: 'entity' | 'system' | 'group';
  /** The scope's entity, as the catalog returns it for the caller. */
  entity: Entity;
  entityRef: string;
  /**
   * A group's display name (spec.profile.displayName) or title, where it
   * has one; given by `groupsOfType`.
   */
  title?: string;
  /** Sorted by entity ref. */
  members: ScopeMember[];
};

/** What the whole organisation covers: every member the caller can see. */
export type OrganisationScope = {
  kind: 'organisation';
  /** Sorted by entity ref. */
  members: ScopeMember[];
};

/** Fields every member is read with. */
const MEMBER_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
];

const lower = (kind: string) => kind.toLocaleLowerCase('en-US');

/**
 * Resolving a group's scope is the catalog's most expensive query (every
 * entity of the member kinds tested against the group's owners): during a
 * backfill of an organisation's history it was PostgreSQL's busiest
 * statement with scopes resolved every 30 s. Two minutes is still well
 * within how long a change of the catalog's sources takes to show (up to
 * 15 minutes with production's processing interval).
 */
const DEFAULT_CACHE_TTL_MS = 120_000;
/**
 * A scope older than the TTL but younger than this many TTLs still answers
 * while it is resolved again in the background (so at most eight minutes
 * old by default, within the catalog's own delay); an older one is
 * resolved before answering.
 */
const STALE_FACTOR = 4;
/** Resolved scopes kept at most (each caller's few recent ones). */
const CACHE_ENTRIES = 500;

/** Who is asking, as the catalog's read rules see it. */
function callerKey(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
    accessRestrictions?: unknown;
  };
  if (principal.type === 'user') return `user:${principal.userEntityRef}`;
  if (principal.type === 'service') {
    return `service:${principal.subject}:${JSON.stringify(
      principal.accessRestrictions ?? null,
    )}`;
  }
  return String(principal.type ?? 'none');
}

/** "a component", "a group or a system", "a component, a system or a group". */
function alternatives(kinds: string[]): string {
  const named = kinds.map(kind => `a ${kind}`);
  return named.length === 1
    ? named[0]
    : `${named.slice(0, -1).join(', ')} or ${named[named.length - 1]}`;
}

/**
 * What a component, a system, a group (with every group below it) or the
 * organisation covers in the catalog, resolved one way for every Paved
 * backend plugin.
 *
 * Every read uses the credentials the caller passes, so the catalog's read
 * rules apply: an entity the caller may not see is not found, and a system,
 * group or the organisation covers only the members the caller can see.
 * For a user's request these are the user's credentials; only work without
 * a caller (a scheduled task, a webhook) passes the plugin's own.
 */
export class CatalogScopeResolver {
  readonly #catalog: CatalogService;
  readonly #memberKinds: string[];
  readonly #memberFields: string[];
  readonly #cacheTtlMs: number;
  /** Recent answers (and those being computed), per caller; oldest first. */
  readonly #cache = new Map<
    string,
    { at: number; scope: Promise<unknown>; refreshing?: boolean }
  >();

  /**
   * @param options.memberKinds - the kinds a scope covers (default
   *   `['component']`); an entity of one of them is a scope of itself.
   * @param options.memberFields - catalog fields the members are read
   *   with besides kind, name, namespace and title (e.g.
   *   `metadata.annotations`).
   * @param options.cacheTtlMs - how long a caller's resolved scope is kept
   *   (default 2 minutes; 0: never): an organisation of thousands of
   *   components takes the catalog most of a second to list, and a page
   *   asks for the same scope several times at once. Concurrent requests
   *   for one scope share one resolution; failures are not kept. Up to four
   *   times as old, a kept scope still answers while it is resolved again
   *   in the background.
   */
  static create(options: {
    catalog: CatalogService;
    memberKinds?: string[];
    memberFields?: string[];
    cacheTtlMs?: number;
  }): CatalogScopeResolver {
    return new CatalogScopeResolver(
      options.catalog,
      (options.memberKinds ?? ['component']).map(lower),
      [...MEMBER_FIELDS, ...(options.memberFields ?? [])],
      options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS,
    );
  }

  private constructor(
    catalog: CatalogService,
    memberKinds: string[],
    memberFields: string[],
    cacheTtlMs: number,
  ) {
    this.#catalog = catalog;
    this.#memberKinds = memberKinds;
    this.#memberFields = memberFields;
    this.#cacheTtlMs = cacheTtlMs;
  }

  /**
   * A caller's answer from the cache, or computed once for every concurrent
   * asker. The key names the caller, so no one sees a scope resolved with
   * someone else's read rules.
   */
  #cached<T>(
    credentials: BackstageCredentials,
    request: unknown[],
    compute: () => Promise<T>,
  ): Promise<T> {
    if (this.#cacheTtlMs <= 0) return compute();
    const key = JSON.stringify([callerKey(credentials), ...request]);
    const now = Date.now();
    const hit = this.#cache.get(key);
    if (hit && now - hit.at < this.#cacheTtlMs) return hit.scope as Promise<T>;
    if (hit && now - hit.at < this.#cacheTtlMs * STALE_FACTOR) {
      // Still recent enough to answer with, while a fresh resolution
      // replaces it in the background: a page read every few seconds never
      // waits for a listing of the whole organisation.
      if (!hit.refreshing) {
        hit.refreshing = true;
        const fresh = compute();
        fresh.then(
          () => this.#remember(key, fresh),
          () => {
            hit.refreshing = false;
          },
        );
      }
      return hit.scope as Promise<T>;
    }
    const scope = compute();
    this.#remember(key, scope);
    scope.catch(() => {
      if (this.#cache.get(key)?.scope === scope) this.#cache.delete(key);
    });
    return scope;
  }

  #remember(key: string, scope: Promise<unknown>) {
    this.#cache.delete(key);
    this.#cache.set(key, { at: Date.now(), scope });
    while (this.#cache.size > CACHE_ENTRIES) {
      this.#cache.delete(this.#cache.keys().next().value!);
    }
  }

  /**
   * The scope an entity ref names and the members it covers.
   *
   * @param options.kinds - the kinds of scope the caller accepts, in the
   *   order the error names them; by default the member kinds, system and
   *   group.
   * @param options.defaultKind - the kind of a ref that names none
   *   (`checkout` for `component:default/checkout`); by default a ref must
   *   name its kind.
   * @throws InputError for a malformed ref or a kind not in `kinds` (before
   *   the catalog is asked), NotFoundError for an entity that does not
   *   exist or the caller may not see, ServiceUnavailableError when the
   *   catalog cannot be read.
   */
  async resolve(
    entityRef: string,
    options: {
      credentials: BackstageCredentials;
      kinds?: string[];
      defaultKind?: string;
    },
  ): Promise<EntityScope> {
    return this.#cached(
      options.credentials,
      ['resolve', entityRef, options.kinds, options.defaultKind],
      () => this.#resolve(entityRef, options),
    );
  }

  async #resolve(
    entityRef: string,
    options: {
      credentials: BackstageCredentials;
      kinds?: string[];
      defaultKind?: string;
    },
  ): Promise<EntityScope> {
    const { credentials } = options;
    const kinds = (
      options.kinds ?? [...this.#memberKinds, 'system', 'group']
    ).map(lower);
    let ref: CompoundEntityRef;
    try {
      ref = parseEntityRef(entityRef, {
        defaultKind: options.defaultKind,
        defaultNamespace: 'default',
      });
    } catch (error) {
      throw new InputError(
        `entityRef '${entityRef}' is not an entity ref: ${
          isError(error) ? error.message : String(error)
        }`,
      );
    }
    if (!kinds.includes(lower(ref.kind))) {
      throw new InputError(
        `entityRef must name ${alternatives(kinds)}, not a ${ref.kind}`,
      );
    }
    const entity = await this.#entityOf(ref, credentials);
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef(ref)} in the catalog`,
      );
    }
    const entityRefOfScope = stringifyEntityRef(entity);
    const kind = lower(entity.kind);
    if (this.#memberKinds.includes(kind)) {
      return {
        kind: 'entity',
        entity,
        entityRef: entityRefOfScope,
        members: [memberOf(entity)],
      };
    }
    const members = await entitiesInScope(this.#catalog, entity, {
      kinds: this.#memberKinds,
      fields: this.#memberFields,
      credentials,
    });
    if (!members) {
      // Only reachable when `kinds` names a kind that covers nothing.
      throw new InputError(
        `entityRef must name ${alternatives(kinds)}, not a ${entity.kind}`,
      );
    }
    return {
      kind: kind === 'system' ? 'system' : 'group',
      entity,
      entityRef: entityRefOfScope,
      members: members.map(memberOf),
    };
  }

  /**
   * The entity a ref names as the caller sees it, kept like a scope: for a
   * plugin that needs an entity's kind or type before it asks others (and
   * would otherwise ask the catalog again on every read). Undefined when
   * it does not exist or the caller may not see it; that answer is not
   * kept, so an entity the catalog adds shows on the next read.
   *
   * @throws ServiceUnavailableError when the catalog cannot be read.
   */
  async entity(
    entityRef: string,
    options: { credentials: BackstageCredentials },
  ): Promise<Entity | undefined> {
    const { credentials } = options;
    return this.#cached(credentials, ['entity', entityRef], async () => {
      const entity = await this.#entityOf(entityRef, credentials);
      if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
      return entity;
    }).catch(error => {
      if (isError(error) && error.name === 'NotFoundError') return undefined;
      throw error;
    });
  }

  /** An entity as the caller sees it; a catalog failure is a retryable 503. */
  async #entityOf(
    ref: string | CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<Entity | undefined> {
    try {
      return await this.#catalog.getEntityByRef(ref, { credentials });
    } catch (error) {
      throw catalogUnavailable(error);
    }
  }

  /**
   * Every group of a `spec.type` the caller can see (`team`: every team),
   * each with the members `resolve` finds for it, sorted by entity ref —
   * from one read of all groups and one of all members, so a table of
   * every team costs what one organisation read costs. Each group's
   * entity holds its kind, name, namespace, title, type and profile.
   */
  async groupsOfType(
    type: string,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityScope[]> {
    return this.#cached(options.credentials, ['groupsOfType', type], () =>
      this.#groupsOfType(type, options),
    );
  }

  async #groupsOfType(
    type: string,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityScope[]> {
    const groups = await entitiesInGroupsOfType(this.#catalog, type, {
      kinds: this.#memberKinds,
      fields: this.#memberFields,
      groupFields: ['metadata.title', 'spec.profile.displayName'],
      credentials: options.credentials,
    });
    return groups.map(({ group, members }) => {
      const profile = group.spec?.profile as
        | { displayName?: string }
        | undefined;
      const title = profile?.displayName ?? group.metadata.title;
      return {
        kind: 'group',
        entity: group,
        entityRef: stringifyEntityRef(group),
        ...(title ? { title } : {}),
        members: members.map(memberOf),
      };
    });
  }

  /** Every member the caller can see: what "the organisation" covers. */
  async organisation(options: {
    credentials: BackstageCredentials;
  }): Promise<OrganisationScope> {
    return this.#cached(options.credentials, ['organisation'], () =>
      this.#organisation(options),
    );
  }

  async #organisation(options: {
    credentials: BackstageCredentials;
  }): Promise<OrganisationScope> {
    const items = await queryAllEntities(
      this.#catalog,
      { kind: { $in: this.#memberKinds } },
      {
        fields: this.#memberFields,
        credentials: options.credentials,
        pageSize: SCOPE_PAGE_SIZE,
      },
    );
    const byRef = new Map(items.map(e => [stringifyEntityRef(e), e]));
    return {
      kind: 'organisation',
      members: [...byRef.keys()].sort().map(ref => memberOf(byRef.get(ref)!)),
    };
  }
}

function memberOf(entity: Entity): ScopeMember {
  return {
    entityRef: stringifyEntityRef(entity),
    ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
    entity,
  };
}
