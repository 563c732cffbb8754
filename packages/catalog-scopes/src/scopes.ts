import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  type Entity,
  RELATION_CHILD_OF,
  RELATION_OWNED_BY,
  RELATION_PARENT_OF,
  RELATION_PART_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { FilterPredicate } from '@backstage/filter-predicates';
import {
  NotAllowedError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** Entities per catalog request by default. */
const PAGE_SIZE = 1000;
/**
 * Entities per catalog request while paging through a scope's members or
 * the group tree. The catalog matches and orders the whole query again for
 * every page, so an organisation of 5,000 components read 1,000 at a time
 * cost five times its one match (about 110 ms a page); these reads ask for
 * a few fields only, so a page of 5,000 stays a small answer. Reads of
 * whole entities keep pages of 1,000: the catalog and the reader parse a
 * page in one go, which other requests wait for.
 */
export const SCOPE_PAGE_SIZE = 5000;

/**
 * Every entity matching `query`, page by page. The query travels in the body
 * of the catalog's POST /entities/by-query, so its size does not depend on
 * Node's 16 KB limit for request headers: an organisation with hundreds of
 * groups is one bounded request per page, never a 431. A catalog that
 * fails is a 503 (see `catalogUnavailable`).
 */
export async function queryAllEntities(
  catalog: CatalogService,
  query: FilterPredicate,
  options: {
    fields?: string[];
    credentials: BackstageCredentials;
    /** Entities per request (default 1,000). */
    pageSize?: number;
  },
): Promise<Entity[]> {
  const { fields, credentials, pageSize = PAGE_SIZE } = options;
  const items: Entity[] = [];
  try {
    let page = await catalog.queryEntities(
      {
        query,
        limit: pageSize,
        // Nobody reads the count; the catalog would run the query twice.
        totalItems: 'exclude',
        ...(fields ? { fields } : {}),
      },
      { credentials },
    );
    items.push(...page.items);
    while (page.pageInfo.nextCursor) {
      page = await catalog.queryEntities(
        {
          cursor: page.pageInfo.nextCursor,
          limit: pageSize,
          ...(fields ? { fields } : {}),
        },
        { credentials },
      );
      items.push(...page.items);
    }
  } catch (error) {
    throw catalogUnavailable(error);
  }
  return items;
}

/**
 * What a failed catalog read means for the caller. The catalog refusing the
 * caller's own credentials (a 401/403: e.g. a static token whose access
 * restrictions do not include the catalog) is a 403 that says so; anything
 * else (down, overloaded) is a 503 for the caller, whatever the catalog
 * answered: its status code says nothing about the caller's request.
 */
export function catalogUnavailable(
  error: unknown,
): ServiceUnavailableError | NotAllowedError {
  if (refusesCaller(error)) {
    return new NotAllowedError(
      `These credentials may not read the software catalog, which this read needs to resolve its scope (${
        (error as Error).message
      }); a static token used for reads needs either no accessRestrictions or the catalog among them without permission limits`,
    );
  }
  return new ServiceUnavailableError(
    `The software catalog could not be read; try again shortly (${
      isError(error) ? error.message : String(error)
    })`,
  );
}

function refusesCaller(error: unknown): boolean {
  if (!isError(error)) return false;
  if (
    error.name === 'NotAllowedError' ||
    error.name === 'AuthenticationError'
  ) {
    return true;
  }
  const status =
    (error as { statusCode?: unknown }).statusCode ??
    (error as { response?: { status?: unknown } }).response?.status;
  return status === 401 || status === 403;
}

/** Every group the caller can see, and which groups each has below it. */
export type GroupTree = {
  groups: Entity[];
  /** A group and every group below it, as entity refs (the group first). */
  descendantsOf(groupRef: string): string[];
};

/**
 * Every group the caller can see, from one read of all groups, following
 * whatever the catalog holds: parentOf/childOf relations and
 * spec.children/spec.parent (the latter also before the catalog has
 * processed the relations). `fields` are read besides those the tree needs.
 */
export async function groupTree(
  catalog: CatalogService,
  credentials: BackstageCredentials,
  fields: string[] = [],
): Promise<GroupTree> {
  const groups = await queryAllEntities(
    catalog,
    { kind: 'group' },
    {
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'spec.children',
        'spec.parent',
        'relations',
        ...fields,
      ],
      credentials,
      pageSize: SCOPE_PAGE_SIZE,
    },
  );
  const children = new Map<string, Set<string>>();
  const link = (parent: string, child: string) => {
    if (!children.has(parent)) children.set(parent, new Set());
    children.get(parent)!.add(child);
  };
  const groupRefOf = (value: string, namespace: string) =>
    stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: 'group',
        defaultNamespace: namespace,
      }),
    );
  for (const group of groups) {
    const self = stringifyEntityRef(group);
    const namespace = group.metadata.namespace ?? 'default';
    const spec = (group.spec ?? {}) as { children?: unknown; parent?: unknown };
    for (const child of Array.isArray(spec.children) ? spec.children : []) {
      if (typeof child === 'string') link(self, groupRefOf(child, namespace));
    }
    if (typeof spec.parent === 'string') {
      link(groupRefOf(spec.parent, namespace), self);
    }
    for (const relation of group.relations ?? []) {
      if (relation.type === RELATION_PARENT_OF) link(self, relation.targetRef);
      if (relation.type === RELATION_CHILD_OF) link(relation.targetRef, self);
    }
  }
  return {
    groups,
    descendantsOf(groupRef: string) {
      const root = stringifyEntityRef(parseEntityRef(groupRef));
      const seen = new Set<string>([root]);
      const queue = [root];
      while (queue.length > 0) {
        for (const child of children.get(queue.shift()!) ?? []) {
          if (!seen.has(child)) {
            seen.add(child);
            queue.push(child);
          }
        }
      }
      return [...seen];
    },
  };
}

/** A group and every group below it, as entity refs. */
export async function groupAndDescendants(
  catalog: CatalogService,
  groupRef: string,
  credentials: BackstageCredentials,
): Promise<string[]> {
  const tree = await groupTree(catalog, credentials);
  return tree.descendantsOf(groupRef);
}

/** The ways an entity may name a group or system it refers to by spec. */
function spellings(ref: string): string[] {
  const { kind, namespace, name } = parseEntityRef(ref);
  const kindLower = kind.toLocaleLowerCase('en-US');
  return namespace === 'default'
    ? [ref, name, `${kindLower}:${name}`]
    : [ref, `${kindLower}:${namespace}/${name}`];
}

/**
 * The entities of `kinds` that a scope covers, sorted by entity ref:
 * - a group: those owned by it or by any group below it;
 * - a system: its parts.
 * Matched on the catalog's relations (ownedBy, partOf) and, for entities
 * not processed yet, on spec.owner / spec.system. Returns undefined for
 * any other kind of scope.
 */
export async function entitiesInScope(
  catalog: CatalogService,
  scope: Entity,
  options: {
    kinds: string[];
    fields?: string[];
    credentials: BackstageCredentials;
  },
): Promise<Entity[] | undefined> {
  const { kinds, fields, credentials } = options;
  const scopeRef = stringifyEntityRef(scope);
  const scopeKind = scope.kind.toLocaleLowerCase('en-US');
  let match: FilterPredicate;
  if (scopeKind === 'group') {
    const groups = await groupAndDescendants(catalog, scopeRef, credentials);
    match = {
      $any: [
        { [`relations.${RELATION_OWNED_BY}`]: { $in: groups } },
        { 'spec.owner': { $in: groups.flatMap(spellings) } },
      ],
    };
  } else if (scopeKind === 'system') {
    match = {
      $any: [
        { [`relations.${RELATION_PART_OF}`]: scopeRef },
        { 'spec.system': { $in: spellings(scopeRef) } },
      ],
    };
  } else {
    return undefined;
  }
  const items = await queryAllEntities(
    catalog,
    { $all: [{ kind: { $in: kinds } }, match] },
    { fields, credentials, pageSize: SCOPE_PAGE_SIZE },
  );
  const byRef = new Map(items.map(e => [stringifyEntityRef(e), e]));
  return [...byRef.keys()].sort().map(ref => byRef.get(ref)!);
}

const lowerCase = (value: string) => value.toLocaleLowerCase('en-US');

/**
 * Every group of a `spec.type` (e.g. every team) with the entities of
 * `kinds` it covers — owned by it or by any group below it — sorted by
 * entity ref, from one read of all groups and one of all entities of
 * `kinds`: an organisation's teams cost what one organisation read costs,
 * however many teams it has. Membership is decided as `entitiesInScope`
 * decides it (ownedBy relations, else spec.owner in any of its spellings;
 * the catalog compares both without case).
 */
export async function entitiesInGroupsOfType(
  catalog: CatalogService,
  type: string,
  options: {
    kinds: string[];
    fields?: string[];
    groupFields?: string[];
    credentials: BackstageCredentials;
  },
): Promise<Array<{ group: Entity; members: Entity[] }>> {
  const { kinds, credentials } = options;
  const [tree, items] = await Promise.all([
    groupTree(catalog, credentials, [
      'spec.type',
      ...(options.groupFields ?? []),
    ]),
    queryAllEntities(
      catalog,
      { kind: { $in: kinds } },
      {
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'spec.owner',
          'relations',
          ...(options.fields ?? []),
        ],
        credentials,
        pageSize: SCOPE_PAGE_SIZE,
      },
    ),
  ]);
  // Each entity under every key it is owned by: `rel:` the ownedBy
  // targets, `spec:` spec.owner as written.
  const byOwner = new Map<string, Map<string, Entity>>();
  const index = (key: string, entity: Entity, ref: string) => {
    if (!byOwner.has(key)) byOwner.set(key, new Map());
    byOwner.get(key)!.set(ref, entity);
  };
  for (const entity of items) {
    const ref = stringifyEntityRef(entity);
    for (const relation of entity.relations ?? []) {
      if (relation.type === RELATION_OWNED_BY) {
        index(`rel:${lowerCase(relation.targetRef)}`, entity, ref);
      }
    }
    const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
    if (typeof owner === 'string') {
      index(`spec:${lowerCase(owner)}`, entity, ref);
    }
  }
  const wanted = lowerCase(type);
  return tree.groups
    .filter(group => {
      const groupType = (group.spec as { type?: unknown } | undefined)?.type;
      return typeof groupType === 'string' && lowerCase(groupType) === wanted;
    })
    .map(group => {
      const members = new Map<string, Entity>();
      for (const ref of tree.descendantsOf(stringifyEntityRef(group))) {
        const keys = [
          `rel:${lowerCase(ref)}`,
          ...spellings(ref).map(s => `spec:${lowerCase(s)}`),
        ];
        for (const key of keys) {
          for (const [memberRef, entity] of byOwner.get(key) ?? []) {
            members.set(memberRef, entity);
          }
        }
      }
      return {
        group,
        members: [...members.keys()].sort().map(ref => members.get(ref)!),
      };
    })
    .map(scope => [stringifyEntityRef(scope.group), scope] as const)
    .sort(([a], [b]) => {
      if (a === b) return 0;
      return a < b ? -1 : 1;
    })
    .map(([, scope]) => scope);
}
