import { useEffect } from 'react';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Container, Flex, Skeleton, Text } from '@backstage/ui';
import { parseEntityRef } from '@backstage/catalog-model';
import { errorMessage } from '@paved/portal-ui';
import { useDeliverySelection } from '../../hooks/useDeliverySelection';
import { DeliveryDashboard, DeliveryFilters } from '../dashboard';
import { ORGANISATION, TeamSelect } from './TeamSelect';
import { useOwnTeam, useTeams } from './useTeams';
import styles from './DeliveryPage.module.css';

/**
 * The Delivery page: a team's DORA metrics (the signed-in user's team
 * unless another is picked), with the window, environment and team in the
 * URL.
 */
export const DeliveryPage = () => {
  const { selection, update } = useDeliverySelection();
  const organisationName =
    useApi(configApiRef).getOptionalString('organization.name') ??
    'the organisation';
  const teams = useTeams();
  const ownTeam = useOwnTeam();

  const team =
    selection.team ??
    (ownTeam.loading ? undefined : ownTeam.value ?? ORGANISATION);
  // Put the default team in the URL too, so the address can be shared as is.
  useEffect(() => {
    if (!selection.team && team) update({ team });
  }, [selection.team, team, update]);

  const isOrganisation = team === ORGANISATION;
  const teamTitle =
    teams.value?.find(t => t.ref === team)?.title ??
    (team && !isOrganisation ? parseEntityRef(team).name : organisationName);

  return (
    <Container>
      <Flex direction="column" gap="5" className={styles.page}>
        <Text as="p" color="secondary">
          How often and how safely{' '}
          {isOrganisation ? organisationName : 'your team'} ships: the five DORA
          metrics, computed from the deployment, change and incident events
          pipelines send.
        </Text>
        {team ? (
          <>
            <DeliveryFilters
              selection={selection}
              update={update}
              leading={
                <TeamSelect
                  className={styles.teamSelect}
                  teams={teams.value ?? []}
                  selected={team}
                  organisationName={organisationName}
                  onChange={next => update({ team: next })}
                />
              }
            />
            {teams.error && (
              <Text as="p" variant="body-small" color="danger">
                Could not load the list of teams: {errorMessage(teams.error)}
              </Text>
            )}
            <DeliveryDashboard
              scope={
                isOrganisation
                  ? { name: organisationName, kind: 'organisation' }
                  : { entityRef: team, name: teamTitle, kind: 'group' }
              }
              selection={selection}
              update={update}
              showUnattributed
            />
          </>
        ) : (
          <Skeleton width="100%" height={320} />
        )}
      </Flex>
    </Container>
  );
};
