import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  Flex,
  Link,
  Text,
  TextAreaField,
} from '@backstage/ui';
import {
  type ScorecardException,
  scorecardsExceptionDecidePermission,
} from '@paved/plugin-scorecards-common';
import { errorMessage, formatDateTime, formatDay } from '@paved/portal-ui';
import { scorecardsApiRef } from '../api';
import { FormError, StatusMessage } from './Announce';
import { ExceptionsTable, who } from './ExceptionsTable';
import { ScorecardsLoading, ScorecardsReadError } from './ScorecardsRead';

/** One request waiting for a decision: the ask, and — for admins — the decision. */
const PendingException = ({
  exception,
  mayDecide,
  onDecided,
}: {
  exception: ScorecardException;
  mayDecide: boolean;
  onDecided: (message: string) => void;
}) => {
  const api = useApi(scorecardsApiRef);
  const entityLink = useEntityRefLink();
  const [note, setNote] = useState('');
  const name = exception.entityTitle ?? who(exception.entityRef);
  const [state, decide] = useAsyncFn(
    async (decision: 'approve' | 'reject') => {
      const decided = await api.decideException(exception.id, {
        decision,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      onDecided(
        `${
          decided.status === 'approved' ? 'Approved' : 'Rejected'
        }: ${name} — ${decided.checkTitle}.`,
      );
    },
    [api, exception.id, note, name, onDecided],
  );
  return (
    <Card>
      <CardHeader>
        <Text as="h4" variant="title-x-small">
          <Link href={`${entityLink(exception.entityRef)}/scorecard`}>
            {name}
          </Link>{' '}
          — {exception.checkTitle}
        </Text>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="3">
          <Text as="p">“{exception.reason}”</Text>
          <Text as="p" variant="body-small" color="secondary">
            {who(exception.requestedBy)} asked on{' '}
            {formatDateTime(exception.requestedAt)}, until{' '}
            {formatDay(exception.expiresAt)}.
          </Text>
          <FormError>
            {state.error && (
              <Alert
                status="danger"
                title="Could not decide"
                description={errorMessage(state.error)}
              />
            )}
          </FormError>
          {mayDecide && (
            <TextAreaField
              label={`Note to the owners of ${name}`}
              description="Required to reject: say why, and what would be approved."
              value={note}
              onChange={setNote}
              rows={2}
              maxLength={2000}
            />
          )}
        </Flex>
      </CardBody>
      {mayDecide && (
        <CardFooter>
          <Flex gap="3">
            <Button
              variant="primary"
              isPending={state.loading}
              aria-label={`Approve the exception for ${name}: ${exception.checkTitle}`}
              onPress={() => decide('approve')}
            >
              Approve
            </Button>
            <Button
              variant="secondary"
              isPending={state.loading}
              isDisabled={!note.trim()}
              aria-label={`Reject the exception for ${name}: ${exception.checkTitle}`}
              onPress={() => decide('reject')}
            >
              Reject
            </Button>
          </Flex>
        </CardFooter>
      )}
    </Card>
  );
};

/**
 * Exceptions to scorecard checks across the catalog: the requests waiting
 * for a decision first (admins approve or reject them here), then every
 * exception granted, refused or ended, with who, when and why.
 */
export const ExceptionsSection = () => {
  const api = useApi(scorecardsApiRef);
  const { allowed: mayDecide } = usePermission({
    permission: scorecardsExceptionDecidePermission,
  });
  const identityApi = useApi(identityApiRef);
  // The queue on its own, so no number of decided ones pushes a request
  // out of it; the record is the newest of all.
  const read = useAsyncRetry(
    () =>
      Promise.all([
        api.listExceptions({ status: 'pending' }),
        api.listExceptions({}),
        identityApi.getBackstageIdentity(),
      ]),
    [api, identityApi],
  );
  const [decided, setDecided] = useState<string>();
  const { retry } = read;
  const onDecided = (message: string) => {
    setDecided(message);
    retry();
  };
  const [pending, all, identity] = read.value ?? [[], [], undefined];
  const others = all.filter(e => e.status !== 'pending');
  let body;
  if (read.loading && !read.value) {
    body = (
      <ScorecardsLoading label="Loading exceptions" heights={[120, 120]} />
    );
  } else if (read.error) {
    body = (
      <ScorecardsReadError
        title="Could not load the exceptions"
        error={read.error}
        onRetry={read.retry}
      />
    );
  } else {
    body = (
      <Flex direction="column" gap="5">
        <section aria-labelledby="exceptions-pending">
          <Flex direction="column" gap="3">
            <Text as="h3" variant="title-small" id="exceptions-pending">
              Waiting for a decision ({pending.length})
            </Text>
            {!mayDecide && pending.length > 0 && (
              <Text as="p" color="secondary">
                Platform admins decide on these.
              </Text>
            )}
            {pending.length === 0 ? (
              <Text as="p">
                No request waits. Owners ask for an exception from a failing
                check on their component’s Scorecard tab.
              </Text>
            ) : (
              pending.map(e => (
                <PendingException
                  key={e.id}
                  exception={e}
                  // Whoever asked never decides: no buttons on one's own.
                  mayDecide={
                    mayDecide && e.requestedBy !== identity?.userEntityRef
                  }
                  onDecided={onDecided}
                />
              ))
            )}
          </Flex>
        </section>
        {others.length > 0 && (
          <ExceptionsTable
            title="Decided and ended"
            exceptions={others}
            showComponent
            headingLevel="h3"
          />
        )}
      </Flex>
    );
  }
  return (
    <section aria-labelledby="exceptions-heading">
      <Flex direction="column" gap="4">
        <Text as="h2" variant="title-medium" id="exceptions-heading">
          Exceptions
        </Text>
        <Text as="p" color="secondary">
          Time off one check for one component, with a reason and an end date.
          An approved exception counts the check as passed until it ends;
          whoever asked never decides.
        </Text>
        <StatusMessage message={decided} />
        {body}
      </Flex>
    </section>
  );
};
