import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { entitiesInScope } from '@paved/catalog-scopes';
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
 *
 * Every read uses the caller's credentials, so the catalog's read rules
 * apply: an entity the caller cannot see is not found, and a team or
 * system sums only the members the caller can see.
 */
export class CostScopes {
  readonly #catalog: CatalogService;

  static create(options: { catalog: CatalogService }) {
    return new CostScopes(options.catalog);
  }

  private constructor(catalog: CatalogService) {
    this.#catalog = catalog;
  }

  /**
   * Throws InputError for a malformed ref, NotFoundError for one the
   * caller cannot see or that does not exist.
   */
  async resolve(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<CostScope> {
    let ref;
    try {
      ref = parseEntityRef(entityRef);
    } catch {
      throw new InputError(`entityRef is not a valid entity ref: ${entityRef}`);
    }
    const entity = await this.#catalog.getEntityByRef(ref, {
      credentials,
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
    const members = await entitiesInScope(this.#catalog, entity, {
      kinds: ALLOCATED_KINDS,
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
      credentials,
    });
    if (!members) {
      throw new InputError(
        `Cost is kept for components, resources, systems and groups, not ${entity.kind}`,
      );
    }
    return {
      entity,
      entityRef: self,
      kind: kind === 'system' ? 'system' : 'group',
      members: members.map(e => ({
        entityRef: stringifyEntityRef(e),
        title: e.metadata.title,
      })),
    };
  }
}
