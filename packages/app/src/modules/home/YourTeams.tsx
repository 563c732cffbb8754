import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/frontend-plugin-api';
import { identityApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  parseEntityRef,
  stringifyEntityRef,
  RELATION_OWNED_BY,
} from '@backstage/catalog-model';
import {
  Card,
  CardBody,
  CardHeader,
  Flex,
  Skeleton,
  Text,
} from '@backstage/ui';
import styles from './PavedHomeLayout.module.css';

type TeamSummary = { ref: string; components: number };

/**
 * The signed-in user's teams and how many components each owns, so the
 * first click from the home page can be "my team's services".
 */
export const YourTeams = () => {
  const identityApi = useApi(identityApiRef);
  const catalogApi = useApi(catalogApiRef);

  const { value, loading, error } = useAsync(async (): Promise<
    TeamSummary[]
  > => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const groups = ownershipEntityRefs.filter(
      ref => parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'group',
    );
    return Promise.all(
      groups.map(async ref => {
        const { totalItems } = await catalogApi.queryEntities({
          filter: {
            kind: 'component',
            [`relations.${RELATION_OWNED_BY}`]: ref,
          },
          limit: 0,
        });
        return {
          ref: stringifyEntityRef(parseEntityRef(ref)),
          components: totalItems,
        };
      }),
    );
  }, [identityApi, catalogApi]);

  return (
    <Card role="region" aria-labelledby="paved-your-teams">
      <CardHeader>
        <Text as="h2" variant="title-x-small" id="paved-your-teams">
          Your teams
        </Text>
      </CardHeader>
      <CardBody>
        {loading && <Skeleton width="100%" height={48} />}
        {error && (
          <Text color="danger">Could not load your teams: {error.message}</Text>
        )}
        {value && value.length === 0 && (
          <Text color="secondary">
            You are not a member of any team in the catalog yet. Ask your
            platform team to add you to a Group.
          </Text>
        )}
        {value && value.length > 0 && (
          <Flex direction="column" gap="2">
            {value.map(team => (
              <div key={team.ref} className={styles.team}>
                <EntityRefLink entityRef={team.ref} defaultKind="group" />
                <Text variant="body-small" color="secondary">
                  {team.components} component{team.components === 1 ? '' : 's'}
                </Text>
              </div>
            ))}
          </Flex>
        )}
      </CardBody>
    </Card>
  );
};
