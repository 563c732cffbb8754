import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  type Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_PARENT_OF,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ALLOCATED_KINDS } from './CostAllocator';

/** A catalog entity and the entities whose cost it sums. */
export type CostScope = {
  entity: Entity;
  entityRef: string;
  /** Component (or resource), system or group. */
  kind: 'component' | 'system' | 'group';
  members: Array<{ entityRef: string; title?: string }>;
};

/**
 * What the cost plugin asks the catalog: which entities a scope sums.
 * Team = components owned by the group or any group below it; system =
 * its parts; a component (or resource) = itself.
 */
export class CostScopes {
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;

  static create(options: { catalog: CatalogService; auth: AuthService }) {
    return new CostScopes(options.catalog, options.auth);
  }

  private constructor(catalog: CatalogService, auth: AuthService) {
    this.#catalog = catalog;
    this.#auth = auth;
  }

  async #credentials(): Promise<BackstageCredentials> {
    return this.#auth.getOwnServiceCredentials();
  }

  /** Throws InputError for a malformed ref, NotFoundError for an unknown one. */
  async resolve(entityRef: string): Promise<CostScope> {
    let ref;
    try {
      ref = parseEntityRef(entityRef);
    } catch {
      throw new InputError(`entityRef is not a valid entity ref: ${entityRef}`);
    }
    const entity = await this.#catalog.getEntityByRef(ref, {
      credentials: await this.#credentials(),
    });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef(ref)} in the catalog`,
      );
    }
    const self = stringifyEntityRef(entity);
    const kind = entity.kind.toLocaleLowerCase('en-US');
    if (ALLOCATED_KINDS.includes(kind)) {
      return {
        entity,
        entityRef: self,
        kind: 'component',
        members: [{ entityRef: self, title: entity.metadata.title }],
      };
    }
    if (kind === 'system') {
      return {
        entity,
        entityRef: self,
        kind: 'system',
        members: await this.#members({
          [`relations.${RELATION_PART_OF}`]: self,
        }),
      };
    }
    if (kind === 'group') {
      const groups = await this.#groupAndDescendants(entity);
      return {
        entity,
        entityRef: self,
        kind: 'group',
        members: await this.#members({
          [`relations.${RELATION_OWNED_BY}`]: groups,
        }),
      };
    }
    throw new InputError(
      `Cost is kept for components, resources, systems and groups, not ${entity.kind}`,
    );
  }

  async #members(filter: Record<string, string | string[]>) {
    const { items } = await this.#catalog.getEntities(
      {
        filter,
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
        ],
      },
      { credentials: await this.#credentials() },
    );
    // Kinds are filtered here rather than in the query: a relation filter
    // also matches systems and resources' other owners, and keeping the
    // query to one key reads the same on every catalog implementation.
    return items
      .filter(e => ALLOCATED_KINDS.includes(e.kind.toLocaleLowerCase('en-US')))
      .map(e => ({ entityRef: stringifyEntityRef(e), title: e.metadata.title }))
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef));
  }

  async #groupAndDescendants(root: Entity): Promise<string[]> {
    const credentials = await this.#credentials();
    const found = new Set([stringifyEntityRef(root)]);
    let frontier: Entity[] = [root];
    while (frontier.length > 0) {
      const children = frontier
        .flatMap(g => g.relations ?? [])
        .filter(r => r.type === RELATION_PARENT_OF)
        .map(r => r.targetRef)
        .filter(r => !found.has(r));
      children.forEach(r => found.add(r));
      if (children.length === 0) break;
      const { items } = await this.#catalog.getEntitiesByRefs(
        { entityRefs: children },
        { credentials },
      );
      frontier = items.filter((e): e is Entity => Boolean(e));
    }
    return [...found];
  }
}
