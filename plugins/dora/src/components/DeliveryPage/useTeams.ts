import useAsync from 'react-use/esm/useAsync';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  parseEntityRef,
  stringifyEntityRef,
  type GroupEntity,
} from '@backstage/catalog-model';

export type Team = { ref: string; title: string };

/** The catalog's teams (Groups of type team), by title. */
export function useTeams() {
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async (): Promise<Team[]> => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'group', 'spec.type': 'team' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    return items
      .map(entity => ({
        ref: stringifyEntityRef(entity),
        title:
          (entity as GroupEntity).spec?.profile?.displayName ??
          entity.metadata.title ??
          entity.metadata.name,
      }))
      .sort((a, b) => a.title.localeCompare(b.title));
  }, [catalogApi]);
}

/** The signed-in user's first group, the team the page opens on. */
export function useOwnTeam() {
  const identityApi = useApi(identityApiRef);
  return useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const group = ownershipEntityRefs.find(
      ref => parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'group',
    );
    return group ? stringifyEntityRef(parseEntityRef(group)) : undefined;
  }, [identityApi]);
}
