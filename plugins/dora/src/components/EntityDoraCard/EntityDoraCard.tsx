import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  Flex,
  Link,
  Skeleton,
  Text,
} from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { ReadError } from '@paved/portal-ui';
import { doraApiRef } from '../../api';
import { DEFAULT_ENVIRONMENT } from '../../hooks/useDeliverySelection';
import { scopeOf } from '../../hooks/useDoraData';
import { metricDefinitions } from '../../lib/metrics';
import { resolveWindow } from '../../lib/window';
import { BenchmarkChip, DemoDataBadge } from '../dashboard';
import styles from './EntityDoraCard.module.css';

/**
 * The component's five DORA numbers over the last 30 days in production,
 * each with its benchmark, linking to the Delivery tab.
 */
export const EntityDoraCard = () => {
  const { entity } = useEntity();
  const doraApi = useApi(doraApiRef);
  const entityLink = useEntityRefLink();
  const entityRef = stringifyEntityRef(entity);
  const [now] = useState(() => new Date());
  const window = useMemo(() => resolveWindow({ preset: '30' }, now), [now]);
  const { value, loading, error, retry } = useAsyncRetry(
    () => doraApi.getMetrics(scopeOf(entityRef, window, DEFAULT_ENVIRONMENT)),
    [doraApi, entityRef, window],
  );
  const tabHref = `${entityLink(entity)}/delivery`;

  return (
    <Card aria-labelledby="dora-card-title">
      <CardHeader>
        <Flex justify="between" align="center" gap="2">
          <Text as="h2" id="dora-card-title" variant="title-x-small">
            Delivery
          </Text>
          <DemoDataBadge />
        </Flex>
        <Text as="p" variant="body-small" color="secondary">
          DORA metrics · last 30 days · {DEFAULT_ENVIRONMENT}
        </Text>
      </CardHeader>
      <CardBody>
        {loading && <Skeleton width="100%" height={150} />}
        {error && (
          <ReadError
            title="Could not load delivery metrics"
            error={error}
            onRetry={retry}
          />
        )}
        {value && !loading && value.deploymentFrequency.deployments === 0 && (
          <Text as="p" color="secondary">
            No deployments in the last 30 days.{' '}
            <Link href={tabHref}>See how to send delivery events</Link>.
          </Text>
        )}
        {value && !loading && value.deploymentFrequency.deployments > 0 && (
          <dl className={styles.metrics}>
            {metricDefinitions.map(metric => (
              <div key={metric.name} className={styles.metric}>
                <dt>{metric.title}</dt>
                <dd>
                  <span className={styles.value}>
                    {metric.format(metric.value(value))}
                  </span>
                  <BenchmarkChip benchmark={metric.benchmark(value)} compact />
                </dd>
              </div>
            ))}
          </dl>
        )}
      </CardBody>
      <CardFooter>
        <Link href={tabHref}>Trends, services and deployments</Link>
      </CardFooter>
    </Card>
  );
};
