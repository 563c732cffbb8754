import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError, InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { entitiesInScope } from '@paved/catalog-scopes';

export const DORA_SERVICE_ANNOTATION = 'paved.dev/dora-service';
export const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/**
 * Everything the DORA plugin asks the catalog: which component an event's
 * `service` names, and which components a scope (component, system, group)
 * covers.
 */
export class CatalogScopes {
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;

  static create(options: { catalog: CatalogService; auth: AuthService }) {
    return new CatalogScopes(options.catalog, options.auth);
  }

  private constructor(catalog: CatalogService, auth: AuthService) {
    this.#catalog = catalog;
    this.#auth = auth;
  }

  async #credentials(): Promise<BackstageCredentials> {
    return this.#auth.getOwnServiceCredentials();
  }

  /**
   * Maps each service name to a component ref: an entity ref as is, else the
   * component whose `paved.dev/dora-service` annotation equals it, else the
   * one whose `github.com/project-slug` equals it (`owner/repo`), else the
   * component of that name. Unknown names map to null (unattributed).
   */
  async resolveServices(
    services: string[],
  ): Promise<Map<string, string | null>> {
    const { items } = await this.#catalog.getEntities(
      {
        filter: { kind: 'component' },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      },
      { credentials: await this.#credentials() },
    );
    const byRef = new Set(items.map(e => stringifyEntityRef(e)));
    const byAnnotation = new Map<string, string>();
    const bySlug = new Map<string, string>();
    const byName = new Map<string, string>();
    for (const entity of items) {
      const ref = stringifyEntityRef(entity);
      const alias = entity.metadata.annotations?.[DORA_SERVICE_ANNOTATION];
      if (alias) byAnnotation.set(alias, ref);
      const slug = entity.metadata.annotations?.[PROJECT_SLUG_ANNOTATION];
      if (slug) bySlug.set(slug.toLocaleLowerCase('en-US'), ref);
      if ((entity.metadata.namespace ?? 'default') === 'default') {
        byName.set(entity.metadata.name, ref);
      }
    }
    const resolved = new Map<string, string | null>();
    for (const service of services) {
      let ref: string | null = null;
      if (service.includes(':')) {
        try {
          const candidate = stringifyEntityRef(parseEntityRef(service));
          ref = byRef.has(candidate) ? candidate : null;
        } catch {
          ref = null;
        }
      } else {
        ref =
          byAnnotation.get(service) ??
          bySlug.get(service.toLocaleLowerCase('en-US')) ??
          byName.get(service) ??
          null;
      }
      resolved.set(service, ref);
    }
    return resolved;
  }

  /**
   * The component refs a scope covers, as the caller sees the catalog: a
   * component itself, a system's components, a group's components (owned by
   * it or any descendant group), or without a scope every component. The
   * caller's credentials apply the catalog's read rules: an entity the
   * caller may not see is not found, and components it may not see are left
   * out of a system or a group.
   */
  async componentsOf(
    entityRef: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    if (entityRef === undefined) {
      const { items } = await this.#catalog.getEntities(
        {
          filter: { kind: 'component' },
          fields: ['kind', 'metadata.name', 'metadata.namespace'],
        },
        { credentials },
      );
      return items.map(e => stringifyEntityRef(e));
    }
    let ref;
    try {
      ref = parseEntityRef(entityRef);
    } catch (e) {
      throw new InputError(`entityRef is not a valid entity ref: ${entityRef}`);
    }
    const entity = await this.#catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef(ref)} in the catalog`,
      );
    }
    if (entity.kind.toLocaleLowerCase('en-US') === 'component') {
      return [stringifyEntityRef(entity)];
    }
    const components = await entitiesInScope(this.#catalog, entity, {
      kinds: ['component'],
      fields: ['kind', 'metadata.name', 'metadata.namespace'],
      credentials,
    });
    if (!components) {
      throw new InputError(
        `DORA metrics are kept for components, systems and groups, not ${entity.kind}`,
      );
    }
    return components.map(e => stringifyEntityRef(e));
  }
}
