import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Alert,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Radio,
  RadioGroup,
  Text,
  TextAreaField,
} from '@backstage/ui';
import { errorMessage, formatDay } from '@paved/portal-ui';
import { scorecardsApiRef } from '../api';
import { FormError } from './Announce';

const DAY_MS = 86_400_000;
/** The shortest reason the backend takes. */
export const MIN_REASON = 10;

/** The durations offered: common ones up to the configured maximum. */
export function exceptionDurations(maxDays: number): number[] {
  return [...new Set([...[30, 60, 90, 180].filter(d => d < maxDays), maxDays])];
}

/** The day an exception of `days` from today ends (YYYY-MM-DD, UTC). */
export function expiryDay(days: number, now = Date.now()): string {
  return new Date(now + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * An owner asks for time off one failing check: why, and for how long.
 * A platform admin decides; the dialog says so and closes once the
 * request is stored.
 */
export const ExceptionRequestDialog = ({
  entityRef,
  check,
  maxDays,
  onClose,
  onRequested,
}: {
  entityRef: string;
  check: { id: string; title: string };
  maxDays: number;
  onClose: () => void;
  onRequested: () => void;
}) => {
  const api = useApi(scorecardsApiRef);
  const durations = exceptionDurations(maxDays);
  const [reason, setReason] = useState('');
  const [days, setDays] = useState(String(Math.min(90, maxDays)));
  const [state, submit] = useAsyncFn(async () => {
    await api.requestException({
      entityRef,
      checkId: check.id,
      reason: reason.trim(),
      expiresAt: expiryDay(Number(days)),
    });
    onRequested();
  }, [api, entityRef, check.id, reason, days, onRequested]);
  const tooShort = reason.trim().length < MIN_REASON;
  return (
    <Dialog
      isOpen
      onOpenChange={open => {
        if (!open) onClose();
      }}
      width={600}
    >
      <DialogHeader>Request an exception</DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="4">
          <Text as="p">
            To “{check.title}”. A platform admin decides; once approved the
            check counts as passed until the exception ends, then it counts
            again. The owners are reminded before it ends.
          </Text>
          <FormError>
            {state.error && (
              <Alert
                status="danger"
                title="Could not request the exception"
                description={errorMessage(state.error)}
              />
            )}
          </FormError>
          <TextAreaField
            label="Why can it not meet the check yet?"
            description={`At least ${MIN_REASON} characters. Admins read it, and it stays with the exception.`}
            value={reason}
            onChange={setReason}
            isRequired
            rows={4}
            maxLength={2000}
          />
          <RadioGroup
            label="For how long"
            value={days}
            onChange={setDays}
            orientation="horizontal"
            description={`Until ${formatDay(expiryDay(Number(days)))}.`}
          >
            {durations.map(d => (
              <Radio key={d} value={String(d)}>
                {d} days
              </Radio>
            ))}
          </RadioGroup>
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onPress={onClose}>
          Cancel
        </Button>
        <Button
          variant="primary"
          isPending={state.loading}
          isDisabled={tooShort}
          onPress={() => submit()}
        >
          Request exception
        </Button>
      </DialogFooter>
    </Dialog>
  );
};
