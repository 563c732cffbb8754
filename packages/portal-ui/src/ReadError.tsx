import type { ReactNode } from 'react';
import { Alert, Button } from '@backstage/ui';
import { errorMessage, isForbidden } from './format';

/**
 * Why a read failed. A missing permission (HTTP 403) is explained in the
 * plugin's own words when it gives them (nothing to retry); anything else
 * shows the backend's message, with Retry when the read can be repeated.
 */
export const ReadError = ({
  title,
  error,
  onRetry,
  forbidden,
}: {
  /** What failed, e.g. "Could not load delivery metrics". */
  title: string;
  error: Error;
  onRetry?: () => void;
  /** Shown instead when the user may not read this (HTTP 403). */
  forbidden?: { title: string; description: ReactNode };
}) => {
  if (forbidden && isForbidden(error)) {
    return (
      <Alert
        status="warning"
        icon
        title={forbidden.title}
        description={forbidden.description}
      />
    );
  }
  return (
    <Alert
      status="danger"
      icon
      title={title}
      description={errorMessage(error)}
      customActions={
        onRetry && (
          <Button size="small" variant="secondary" onPress={onRetry}>
            Retry
          </Button>
        )
      }
    />
  );
};
