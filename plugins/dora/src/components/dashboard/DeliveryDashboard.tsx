import { useEffect, useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import { Button, Card, CardBody, Flex, Skeleton, Text } from '@backstage/ui';
import { parseEntityRef, type Entity } from '@backstage/catalog-model';
import type { DoraBreakdown } from '@paved/plugin-dora-common';
import { plural, ReadError } from '@paved/portal-ui';
import { doraApiRef } from '../../api';
import type {
  DeliverySelection,
  DeliverySelectionChange,
} from '../../hooks/useDeliverySelection';
import { scopeOf, useMetricsWithPrevious } from '../../hooks/useDoraData';
import { metricDefinition } from '../../lib/metrics';
import { DeploymentsDialog } from './DeploymentsDialog';
import { MetricTiles, MetricTilesSkeleton } from './MetricTiles';
import { SendEventsHelp } from './SendEventsHelp';
import { ServiceRanking } from './ServiceRanking';
import { TrendCharts } from './TrendCharts';
import { UnattributedServices } from './UnattributedServices';
import { AiSplitSection } from './AiSplitSection';
import styles from './dashboard.module.css';

/** What a dashboard is about. */
export type DashboardScope = {
  /** The entity; none for the whole organisation. */
  entityRef?: string;
  /** How the scope reads in a sentence: "Checkout", "Checkout Service". */
  name: string;
  kind: 'organisation' | 'group' | 'system' | 'component';
  /** The entity itself, when there is one, for its annotations. */
  entity?: Entity;
};

const PLACEHOLDER_SERVICE = 'component:default/<your-service>';
const RECHECK_MS = 20_000;
const MAX_RECHECKS = 6;

/** Components of the scope that sent no deployment in the window: a partial state that teaches. */
const IdleServices = ({
  breakdown,
  environment,
}: {
  breakdown: DoraBreakdown;
  environment: string;
}) => {
  const idle = breakdown.services.filter(
    s => s.metrics.deploymentFrequency.deployments === 0,
  );
  if (idle.length === 0 || idle.length === breakdown.services.length) {
    return null;
  }
  const names = idle.map(s => parseEntityRef(s.entityRef).name);
  return (
    <details className={styles.partial}>
      <summary>
        {plural(idle.length, 'service')} sent no deployments in this window:{' '}
        {names.join(', ')}. How to send them
      </summary>
      <SendEventsHelp
        title={`Send deployments for ${names[0]}`}
        service={idle[0].entityRef}
        environment={environment}
      />
    </details>
  );
};

const ServicesSection = ({
  state,
  environment,
  onRetry,
}: {
  state: { value?: DoraBreakdown; loading: boolean; error?: Error };
  environment: string;
  onRetry: () => void;
}) => {
  if (state.error) {
    return (
      <ReadError
        title="Could not load the services of this scope"
        error={state.error}
        onRetry={onRetry}
      />
    );
  }
  if (state.loading || !state.value) {
    return <Skeleton width="100%" height={200} />;
  }
  return (
    <Flex direction="column" gap="3">
      <ServiceRanking breakdown={state.value} />
      <IdleServices breakdown={state.value} environment={environment} />
    </Flex>
  );
};

/**
 * The delivery dashboard of a scope, shared by the Delivery page and the
 * entity tabs: the five metrics against the previous window with their
 * DORA benchmarks, a trend per metric, AI-assisted changes against the
 * others, the scope's services ranked, and
 * the deployments behind each number.
 */
export const DeliveryDashboard = ({
  scope,
  selection,
  update,
  showUnattributed = false,
}: {
  scope: DashboardScope;
  selection: DeliverySelection;
  update: (change: DeliverySelectionChange) => void;
  /** List service names no entity matches (portal admins only). */
  showUnattributed?: boolean;
}) => {
  const doraApi = useApi(doraApiRef);
  const { entityRef } = scope;
  const { window, environment, interval } = selection;
  const doraScope = useMemo(
    () => scopeOf(entityRef, window, environment),
    [entityRef, window, environment],
  );
  const metrics = useMetricsWithPrevious(entityRef, window, environment);
  const hasServices = scope.kind !== 'component';
  // Read again whenever the metrics are, so the ranking never shows an
  // older state of the scope than the tiles (e.g. before its events were
  // attributed).
  const breakdown = useAsyncRetry(
    async () =>
      hasServices && metrics.value
        ? doraApi.getBreakdown(doraScope)
        : undefined,
    [doraApi, hasServices, doraScope, metrics.value],
  );

  // Events can arrive before the catalog knows their component (right
  // after a start, or for a new component): while nothing is attributed
  // yet, check again a few times without flashing the skeleton.
  const [quietRecheck, setQuietRecheck] = useState(false);
  const [rechecks, setRechecks] = useState(0);
  const awaitingAttribution =
    !metrics.loading &&
    metrics.value?.current.deploymentFrequency.deployments === 0 &&
    metrics.value.current.unattributedEvents > 0;
  const { retry } = metrics;
  useEffect(() => {
    if (!awaitingAttribution || rechecks >= MAX_RECHECKS) return undefined;
    const timer = setTimeout(() => {
      setQuietRecheck(true);
      setRechecks(n => n + 1);
      retry();
    }, RECHECK_MS);
    return () => clearTimeout(timer);
  }, [awaitingAttribution, rechecks, retry]);
  useEffect(() => {
    if (!metrics.loading) setQuietRecheck(false);
  }, [metrics.loading]);

  const context = `${scope.name} · ${window.label} · ${environment}`;
  const drillDown = selection.deployments
    ? metricDefinition(selection.deployments)
    : undefined;

  let content;
  if (metrics.error) {
    content = (
      <ReadError
        title="Could not load delivery metrics"
        error={metrics.error}
        onRetry={metrics.retry}
      />
    );
  } else if (!metrics.value || (metrics.loading && !quietRecheck)) {
    content = (
      <>
        <MetricTilesSkeleton />
        <Skeleton width="100%" height={240} />
      </>
    );
  } else if (metrics.value.current.deploymentFrequency.deployments === 0) {
    let service = PLACEHOLDER_SERVICE;
    if (scope.kind === 'component' && entityRef) service = entityRef;
    else if (breakdown.value?.services.length) {
      service = breakdown.value.services[0].entityRef;
    }
    const waiting = metrics.value.current.unattributedEvents;
    content = (
      <Card>
        <CardBody>
          <Flex direction="column" gap="4">
            <SendEventsHelp
              title={`No deployments for ${scope.name} in ${environment} in this window`}
              service={service}
              environment={environment}
              entity={scope.kind === 'component' ? scope.entity : undefined}
            />
            {(metrics.value.current.analysisPending ?? 0) > 0 && (
              <Text as="p" variant="body-small" color="secondary">
                The newest events of{' '}
                {plural(
                  metrics.value.current.analysisPending ?? 0,
                  'component',
                )}{' '}
                in this scope are still being analysed (the portal just received
                many); their deployments count in a moment.
              </Text>
            )}
            {waiting > 0 && (
              <Text as="p" variant="body-small" color="secondary">
                {plural(waiting, 'event')} in the portal name a service no
                catalog component matches. If this scope’s are among them,
                annotate its component with <code>paved.dev/dora-service</code>;
                events are matched again every few seconds, and this page checks
                again by itself for a few minutes.
              </Text>
            )}
            <div>
              <Button
                variant="secondary"
                isPending={metrics.loading}
                onPress={metrics.retry}
              >
                Check again
              </Button>
            </div>
          </Flex>
        </CardBody>
      </Card>
    );
  } else {
    const { current, previous } = metrics.value;
    content = (
      <>
        <section aria-label="Metrics" className={styles.section}>
          <MetricTiles
            current={current}
            previous={previous}
            windowDays={window.days}
            onOpen={metric => update({ deployments: metric.name })}
          />
          <Text as="p" variant="body-x-small" color="secondary">
            Compared with the {plural(window.days, 'day')} before. Select a
            metric to see the deployments behind it.
            {scope.kind === 'organisation' && current.unattributedEvents > 0
              ? ` ${plural(
                  current.unattributedEvents,
                  'event',
                )} name services no catalog component matches and count nowhere.`
              : ''}
            {current.analysisPending
              ? ` The newest events of ${plural(
                  current.analysisPending,
                  'component',
                )} are still being analysed and count in a moment; check again shortly.`
              : ''}
          </Text>
        </section>
        <TrendCharts
          scope={doraScope}
          interval={interval}
          onIntervalChange={next => update({ interval: next })}
        />
        <AiSplitSection scope={doraScope} readKey={metrics.value} />
        {hasServices && (
          <ServicesSection
            state={breakdown}
            environment={environment}
            onRetry={breakdown.retry}
          />
        )}
      </>
    );
  }

  return (
    <Flex direction="column" gap="5" className={styles.dashboard}>
      {content}
      {showUnattributed && <UnattributedServices />}
      {drillDown && metrics.value && (
        <DeploymentsDialog
          metric={drillDown}
          scope={doraScope}
          context={context}
          onClose={() => update({ deployments: undefined })}
        />
      )}
    </Flex>
  );
};
