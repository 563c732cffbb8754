import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { UnprocessedEntity } from '@backstage/plugin-catalog-unprocessed-entities-common';
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  Container,
  Flex,
  Skeleton,
  Text,
} from '@backstage/ui';
import styles from './CatalogHealthPage.module.css';

type ProcessingProblem = {
  ref: string;
  location?: string;
  messages: string[];
  lastTried?: string;
};

async function loadProblems(
  baseUrl: string,
  fetchFn: typeof fetch,
): Promise<ProcessingProblem[]> {
  // "failed": stored before, failing now. "pending" with errors: never
  // stored because its very first processing failed.
  const lists = await Promise.all(
    ['failed', 'pending'].map(async reason => {
      const res = await fetchFn(`${baseUrl}/entities/unprocessed/${reason}`);
      if (!res.ok) throw await ResponseError.fromResponse(res);
      return ((await res.json()).entities ?? []) as UnprocessedEntity[];
    }),
  );
  return lists
    .flat()
    .filter(e => e.errors && e.errors.length > 0)
    .map(e => {
      const { kind, metadata } = e.unprocessed_entity;
      return {
        ref: `${kind.toLocaleLowerCase('en-US')}:${
          metadata.namespace ?? 'default'
        }/${metadata.name}`,
        location:
          e.location_key ??
          metadata.annotations?.['backstage.io/managed-by-location'],
        messages: (e.errors ?? []).map(err => err.message),
        lastTried: e.last_discovery_at
          ? String(e.last_discovery_at)
          : undefined,
      };
    });
}

export const CatalogHealthPage = () => {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () =>
      loadProblems(await discoveryApi.getBaseUrl('catalog'), fetchApi.fetch),
    [discoveryApi, fetchApi],
  );

  return (
    <Container>
      <Flex direction="column" gap="4">
        <Text as="p" color="secondary">
          Catalog files and entities that failed processing. They are not in the
          catalog until they are fixed; fix the file in its repository and the
          catalog picks it up on its next refresh.
        </Text>
        {loading && <Skeleton width="100%" height={96} />}
        {error && (
          <Alert
            status="danger"
            title="Could not load processing errors"
            description={error.message}
          />
        )}
        {value && value.length === 0 && (
          <Alert
            status="success"
            title="Every catalog file and entity processed cleanly."
          />
        )}
        {value && value.length > 0 && (
          <>
            <Text as="p" weight="bold">
              {value.length} {value.length === 1 ? 'entity' : 'entities'} failed
              processing
            </Text>
            {value.map(problem => (
              <Card key={problem.ref}>
                <CardHeader>
                  <Text as="h2" variant="title-x-small">
                    {problem.ref}
                  </Text>
                  {problem.location && (
                    <Text as="p" variant="body-small" color="secondary">
                      {problem.location}
                    </Text>
                  )}
                </CardHeader>
                <CardBody>
                  {problem.messages.map(message => (
                    <pre key={message} className={styles.error}>
                      {message}
                    </pre>
                  ))}
                </CardBody>
              </Card>
            ))}
          </>
        )}
        {!loading && (
          <div>
            <Button variant="secondary" onPress={retry}>
              Check again
            </Button>
          </div>
        )}
      </Flex>
    </Container>
  );
};
