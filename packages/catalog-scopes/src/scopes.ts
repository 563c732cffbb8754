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
import type { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * A group and every group below it, as entity refs. One read of all groups,
 * following whatever the catalog holds: parentOf/childOf relations and
 * spec.children/spec.parent (the latter also before the catalog has
 * processed the relations).
 */
export async function groupAndDescendants(
  catalog: CatalogService,
  groupRef: string,
  credentials: BackstageCredentials,
): Promise<string[]> {
  const { items: groups } = await catalog.getEntities(
    {
      filter: { kind: 'group' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'spec.children',
        'spec.parent',
        'relations',
      ],
    },
    { credentials },
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
  let matches: Array<Record<string, string | string[]>>;
  if (scopeKind === 'group') {
    const groups = await groupAndDescendants(catalog, scopeRef, credentials);
    matches = [
      { [`relations.${RELATION_OWNED_BY}`]: groups },
      { 'spec.owner': groups.flatMap(spellings) },
    ];
  } else if (scopeKind === 'system') {
    matches = [
      { [`relations.${RELATION_PART_OF}`]: scopeRef },
      { 'spec.system': spellings(scopeRef) },
    ];
  } else {
    return undefined;
  }
  // One filter per kind, the list-valued key last: the in-memory catalog of
  // @backstage/catalog-client's testUtils decides a filter on its first
  // list-valued key alone.
  const filter = kinds.flatMap(kind => matches.map(m => ({ kind, ...m })));
  const { items } = await catalog.getEntities(
    { filter, ...(fields ? { fields } : {}) },
    { credentials },
  );
  const byRef = new Map(items.map(e => [stringifyEntityRef(e), e]));
  return [...byRef.keys()].sort().map(ref => byRef.get(ref)!);
}
