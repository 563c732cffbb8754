import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  type CompoundEntityRef,
  type Entity,
  RELATION_CHILD_OF,
  RELATION_PARENT_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  type EntityKubeStatus,
  type TeamKubeStatus,
  worstHealth,
} from '@paved/plugin-kube-status-common';
import {
  type CachedCluster,
  entityKubeStatus,
  hasKubernetesAnnotations,
} from '../status/entityStatus';

/** The catalog fields the status needs of a component. */
const COMPONENT_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
];

function parseRef(entityRef: string, defaultKind: string): CompoundEntityRef {
  try {
    return parseEntityRef(entityRef, {
      defaultKind,
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `entityRef '${entityRef}' is not an entity ref: ${
        (error as Error).message
      }`,
    );
  }
}

/**
 * Answers entity and team status questions: which components the catalog
 * says are involved (with the caller's credentials), and their live status
 * from the clusters' watch caches.
 */
export class KubeStatusService {
  readonly #catalog: CatalogService;
  readonly #clusters: CachedCluster[];

  static create(options: {
    catalog: CatalogService;
    clusters: CachedCluster[];
  }) {
    return new KubeStatusService(options.catalog, options.clusters);
  }

  private constructor(catalog: CatalogService, clusters: CachedCluster[]) {
    this.#catalog = catalog;
    this.#clusters = clusters;
  }

  async #entity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await this.#catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef(ref)} in the catalog`,
      );
    }
    return entity;
  }

  /** The status of one component. */
  async entityStatus(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityKubeStatus> {
    const ref = parseRef(entityRef, 'component');
    if (ref.kind.toLocaleLowerCase('en-US') !== 'component') {
      throw new InputError(
        `entityRef must name a component, not a ${ref.kind}`,
      );
    }
    const entity = await this.#entity(ref, credentials);
    return entityKubeStatus(entity, this.#clusters);
  }

  /**
   * The status of every component of a group (owned by it or by any of its
   * sub-groups) or of a system (part of it). Components without Kubernetes
   * annotations are left out.
   */
  async teamStatus(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<TeamKubeStatus> {
    const ref = parseRef(entityRef, 'group');
    const kind = ref.kind.toLocaleLowerCase('en-US');
    if (kind !== 'group' && kind !== 'system') {
      throw new InputError(
        `entityRef must name a group or a system, not a ${ref.kind}`,
      );
    }
    const entity = await this.#entity(ref, credentials);
    const normalized = stringifyEntityRef(entity);
    const components =
      kind === 'group'
        ? await this.#componentsOfGroups(
            await this.#groupAndDescendants(normalized, credentials),
            credentials,
          )
        : await this.#componentsOfSystem(entity, credentials);
    const statuses = components
      .filter(hasKubernetesAnnotations)
      .map(c => entityKubeStatus(c, this.#clusters))
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef));
    return {
      entityRef: normalized,
      health: worstHealth(statuses.map(s => s.health)),
      components: statuses,
      clusters: this.#clusters.map(c => c.syncStatus()),
    };
  }

  /** The group and all groups below it (spec.children, parentOf, childOf, spec.parent). */
  async #groupAndDescendants(
    groupRef: string,
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    const { items: groups } = await this.#catalog.getEntities(
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
    for (const g of groups) {
      const self = stringifyEntityRef(g);
      const namespace = g.metadata.namespace ?? 'default';
      const spec = (g.spec ?? {}) as { children?: unknown; parent?: unknown };
      for (const child of Array.isArray(spec.children) ? spec.children : []) {
        if (typeof child === 'string') link(self, groupRefOf(child, namespace));
      }
      if (typeof spec.parent === 'string') {
        link(groupRefOf(spec.parent, namespace), self);
      }
      for (const r of g.relations ?? []) {
        if (r.type === RELATION_PARENT_OF) link(self, r.targetRef);
        if (r.type === RELATION_CHILD_OF) link(r.targetRef, self);
      }
    }
    const seen = new Set<string>([groupRef]);
    const queue = [groupRef];
    while (queue.length) {
      for (const child of children.get(queue.shift()!) ?? []) {
        if (!seen.has(child)) {
          seen.add(child);
          queue.push(child);
        }
      }
    }
    return [...seen];
  }

  async #componentsOfGroups(
    groupRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Entity[]> {
    // spec.owner may be written short ('checkout') for groups in 'default'.
    const owners = groupRefs.flatMap(ref => {
      const { namespace, name } = parseEntityRef(ref);
      return namespace === 'default'
        ? [ref, name, `group:${name}`]
        : [ref, `group:${namespace}/${name}`];
    });
    const { items } = await this.#catalog.getEntities(
      {
        filter: [
          { kind: 'component', 'relations.ownedBy': groupRefs },
          { kind: 'component', 'spec.owner': owners },
        ],
        fields: COMPONENT_FIELDS,
      },
      { credentials },
    );
    return items;
  }

  async #componentsOfSystem(
    system: Entity,
    credentials: BackstageCredentials,
  ): Promise<Entity[]> {
    const ref = stringifyEntityRef(system);
    const namespace = system.metadata.namespace ?? 'default';
    const names = [
      ref,
      `system:${namespace}/${system.metadata.name}`,
      ...(namespace === 'default' ? [system.metadata.name] : []),
    ];
    const { items } = await this.#catalog.getEntities(
      {
        filter: [
          { kind: 'component', 'relations.partOf': ref },
          { kind: 'component', 'spec.system': names },
        ],
        fields: COMPONENT_FIELDS,
      },
      { credentials },
    );
    return items;
  }
}
