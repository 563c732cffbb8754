import { type ReactNode, useEffect, useRef } from 'react';
import { Text } from '@backstage/ui';

/**
 * What an action did, read out by screen readers (a status live region)
 * and given the keyboard focus when it appears, since the control that
 * was pressed usually goes away with the change (WCAG 2.4.3).
 */
export const StatusMessage = ({ message }: { message?: string }) => {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message) ref.current?.focus();
  }, [message]);
  return (
    <div role="status" ref={ref} tabIndex={-1}>
      {message && <Text as="p">{message}</Text>}
    </div>
  );
};

/** An error a form shows, announced as it appears (role alert). */
export const FormError = ({ children }: { children?: ReactNode }) => (
  <div role="alert">{children}</div>
);
