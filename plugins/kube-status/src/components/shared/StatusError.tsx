import { Alert, Button } from '@backstage/ui';
import { errorMessage, isForbidden } from '../../lib/format';

/**
 * Why the status could not be read: a plain sentence for a missing
 * permission (nothing to retry), the backend's own words otherwise.
 */
export const StatusError = ({
  error,
  subject,
  onRetry,
}: {
  error: Error;
  /** What could not be seen, e.g. "the workloads of Checkout". */
  subject: string;
  onRetry: () => void;
}) => {
  if (isForbidden(error)) {
    return (
      <Alert
        status="warning"
        icon
        title={`You don't have permission to see ${subject}.`}
        description="Kubernetes status is shown to the people allowed to read it. Ask the owning team or a portal admin if you need access."
      />
    );
  }
  return (
    <Alert
      status="danger"
      icon
      title={`Could not load ${subject}`}
      description={errorMessage(error)}
      customActions={
        <Button size="small" variant="secondary" onPress={onRetry}>
          Retry
        </Button>
      }
    />
  );
};
