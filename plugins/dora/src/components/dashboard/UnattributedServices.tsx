import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { doraUnattributedReadPermission } from '@paved/plugin-dora-common';
import { Alert, Card, CardBody, CardHeader, Text } from '@backstage/ui';
import { errorMessage, plural } from '@paved/portal-ui';
import { doraApiRef } from '../../api';
import { DORA_SERVICE_ANNOTATION } from './SendEventsHelp';
import styles from './dashboard.module.css';

/**
 * Service names events arrived for that no catalog entity matches, with
 * their event counts. Only portal admins may list them; for everyone else
 * this renders nothing and asks nothing of the backend.
 */
export const UnattributedServices = () => {
  const doraApi = useApi(doraApiRef);
  // Asked only of those who may read it: nobody else's page load ends in
  // a 403.
  const { allowed } = usePermission({
    permission: doraUnattributedReadPermission,
  });
  const { value, error } = useAsync(
    async () => (allowed ? doraApi.getUnattributed() : undefined),
    [doraApi, allowed],
  );
  if (error) {
    return (
      <Alert
        status="danger"
        title="Could not list unattributed services"
        description={errorMessage(error)}
      />
    );
  }
  if (!value || value.length === 0) return null;
  return (
    <Card aria-labelledby="dora-unattributed">
      <CardHeader>
        <Text as="h2" id="dora-unattributed" variant="title-x-small">
          Events no component claims
        </Text>
        <Text as="p" variant="body-small" color="secondary">
          These service names matched no catalog entity, so their events count
          in no team’s metrics. Annotate the component that ships each one with{' '}
          <code>{DORA_SERVICE_ANNOTATION}: &lt;service&gt;</code> (or send its
          entity ref); the events are attributed as soon as it matches.
        </Text>
      </CardHeader>
      <CardBody>
        <ul className={styles.unattributed}>
          {value.map(u => (
            <li key={u.service}>
              <code>{u.service}</code>
              <Text variant="body-small" color="secondary">
                {plural(u.events, 'event')}
              </Text>
            </li>
          ))}
        </ul>
      </CardBody>
    </Card>
  );
};
