import { ReadError } from '@paved/portal-ui';

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
}) => (
  <ReadError
    title={`Could not load ${subject}`}
    error={error}
    onRetry={onRetry}
    forbidden={{
      title: `You don't have permission to see ${subject}.`,
      description:
        'Kubernetes status is shown to the people allowed to read it. Ask the owning team or a portal admin if you need access.',
    }}
  />
);
