import { Entity, RELATION_OWNER_OF } from '@backstage/catalog-model';
import {
  EntityCardBlueprint,
  EntityRelationCard,
  entityDataTableColumns,
} from '@backstage/plugin-catalog-react/alpha';

/** Groups that own components themselves (departments own theirs through teams). */
function ownsComponents(entity: Entity): boolean {
  return (entity.relations ?? []).some(
    r => r.type === RELATION_OWNER_OF && r.targetRef.startsWith('component:'),
  );
}

/**
 * A team page lists what the team owns, by name and with links — the
 * stock Ownership card only counts it. (Sub-teams are listed with links by
 * the group's profile card.)
 */
export const teamServicesCard = EntityCardBlueprint.make({
  name: 'team-services',
  params: {
    filter: entity => entity.kind === 'Group' && ownsComponents(entity),
    loader: async () => (
      <EntityRelationCard
        title="Services and components"
        relationType={RELATION_OWNER_OF}
        entityKind="component"
        columnConfig={[
          entityDataTableColumns.createEntityRefColumn({
            defaultKind: 'component',
            isRowHeader: true,
          }),
          entityDataTableColumns.createSystemColumn(),
          entityDataTableColumns.createSpecTypeColumn(),
          entityDataTableColumns.createSpecLifecycleColumn(),
          entityDataTableColumns.createMetadataDescriptionColumn(),
        ]}
      />
    ),
  },
});
