import { Text } from '@backstage/ui';
import { errorMessage, formatUtcDateTime } from '@paved/portal-ui';
import { REFRESH_INTERVAL_MS } from '../../hooks/usePolledStatus';

/**
 * That the page keeps itself current, and, when the last refresh failed,
 * that what is shown is the last good read.
 */
export const RefreshNote = ({
  updatedAt,
  error,
}: {
  updatedAt?: Date;
  error?: Error;
}) => {
  const every = `refreshes every ${REFRESH_INTERVAL_MS / 1000} s`;
  if (error && updatedAt) {
    return (
      <Text as="p" variant="body-x-small" color="warning" role="status">
        Could not refresh ({errorMessage(error)}): showing the status read at{' '}
        {formatUtcDateTime(updatedAt.toISOString())}. Trying again; {every}.
      </Text>
    );
  }
  return (
    <Text as="p" variant="body-x-small" color="secondary">
      Live from the clusters · {every}
    </Text>
  );
};
