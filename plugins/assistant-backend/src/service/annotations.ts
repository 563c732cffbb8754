import {
  type CompoundEntityRef,
  type Entity,
  getCompoundEntityRef,
  parseEntityRef,
} from '@backstage/catalog-model';

/** The catalog annotations the assistant reads (the annotation contract). */
export const TECHDOCS_REF = 'backstage.io/techdocs-ref';
export const TECHDOCS_ENTITY = 'backstage.io/techdocs-entity';
export const SOURCE_TEMPLATE = 'backstage.io/source-template';
export const TEMPLATE_VERSION = 'paved.dev/template-version';
export const PROJECT_SLUG = 'github.com/project-slug';
export const SOURCE_LOCATION = 'backstage.io/source-location';

/**
 * The entity whose TechDocs an entity shows: the one its techdocs-entity
 * annotation names, itself when it has a techdocs-ref, else none.
 */
export function docsEntityOf(entity: Entity): CompoundEntityRef | undefined {
  const annotations = entity.metadata.annotations ?? {};
  if (annotations[TECHDOCS_ENTITY]) {
    return parseEntityRef(annotations[TECHDOCS_ENTITY], {
      defaultNamespace: entity.metadata.namespace ?? 'default',
    });
  }
  return annotations[TECHDOCS_REF] ? getCompoundEntityRef(entity) : undefined;
}
