import {
  createServiceFactory,
  type BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  catalogServiceRef,
  type CatalogService,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

/**
 * An in-memory catalog that applies read rules like the real one: the
 * entities listed for a user are invisible to that user (not found, left
 * out of every listing); services and other users see everything.
 */
export function catalogAsSeenBy(
  entities: Entity[],
  hiddenFrom: Record<string, string[]>,
): CatalogService {
  const inner = catalogServiceMock({ entities });
  const visible = (credentials: BackstageCredentials, entity: Entity) => {
    const principal = credentials.principal as { userEntityRef?: string };
    const hidden = hiddenFrom[principal.userEntityRef ?? ''] ?? [];
    return !hidden.includes(stringifyEntityRef(entity));
  };
  const catalog: Pick<
    CatalogService,
    'getEntityByRef' | 'getEntities' | 'queryEntities' | 'getEntitiesByRefs'
  > = {
    async getEntityByRef(ref, options) {
      const entity = await inner.getEntityByRef(ref, options);
      return entity && visible(options.credentials, entity)
        ? entity
        : undefined;
    },
    async getEntities(request, options) {
      const response = await inner.getEntities(request, options);
      return {
        ...response,
        items: response.items.filter(e => visible(options.credentials, e)),
      };
    },
    async queryEntities(request, options) {
      const response = await inner.queryEntities(request, options);
      return {
        ...response,
        items: response.items.filter(e => visible(options.credentials, e)),
      };
    },
    async getEntitiesByRefs(request, options) {
      const response = await inner.getEntitiesByRefs(request, options);
      return {
        items: response.items.map(e =>
          e && visible(options.credentials, e) ? e : undefined,
        ),
      };
    },
  };
  // The DORA plugin uses only the methods above.
  return catalog as CatalogService;
}

/** {@link catalogAsSeenBy} as the backend's catalog service. */
export function catalogAsSeenByFactory(
  entities: Entity[],
  hiddenFrom: Record<string, string[]>,
) {
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => catalogAsSeenBy(entities, hiddenFrom),
  });
}
