import { Progress } from '@backstage/core-components';
import { Card, CardBody, Text } from '@backstage/ui';
import type { Entity } from '@backstage/catalog-model';
import { helpStyles, ReadError } from '@paved/portal-ui';

export const COST_ALLOCATION_ANNOTATION = 'paved.dev/cost-allocation';
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
export const REQUEST_RATE_ANNOTATION = 'prometheus.io/request-rate-query';
export const BUDGET_ANNOTATION = 'paved.dev/cost-budget';

export const CostLoading = () => <Progress />;

/**
 * A failed read: a 403 says who may see the cost instead of an HTTP error;
 * anything else shows the backend's error.
 */
export const CostError = ({
  error,
  entity,
  onRetry,
}: {
  error: Error;
  entity?: Entity;
  onRetry?: () => void;
}) => {
  const owner = entity?.spec?.owner;
  return (
    <ReadError
      title="Could not load cost"
      error={error}
      onRetry={onRetry}
      forbidden={{
        title: 'You may not see this cost',
        description: (
          <>
            Cost is visible to the members of the team that owns{' '}
            {entity ? 'this entity' : 'it'}
            {typeof owner === 'string' ? ` (${owner})` : ''} and to portal
            admins. Ask one of them, or ask to join the team.
          </>
        ),
      }}
    />
  );
};

const openCostSnippet = `cost:
  opencost:
    clusters:
      - name: eu-west-prod
        baseUrl: http://opencost.opencost.svc:9003`;

const focusSnippet = `cost:
  focus:
    imports:
      - name: aws-billing
        path: /var/lib/billing/focus-export.csv`;

/** Shown instead of zeros when no source feeds the cost backend. */
export const NoCostSource = () => (
  <Card>
    <CardBody>
      <div
        className={helpStyles.help}
        role="region"
        aria-label="How to connect a cost source"
      >
        <Text as="h2" variant="title-x-small">
          No cost source is connected
        </Text>
        <Text as="p" color="secondary">
          Paved allocates Kubernetes and cloud-bill costs to catalog entities.
          Connect at least one source in <code>app-config.yaml</code>; cost
          appears here after its first import.
        </Text>
        <Text as="h3" variant="body-medium" weight="bold">
          Kubernetes: OpenCost
        </Text>
        <Text as="p" variant="body-small">
          Each cluster running OpenCost is pulled daily through its allocation
          API (<code>cost.opencost.clusters</code>):
        </Text>
        <pre className={helpStyles.code} aria-label="OpenCost configuration">
          {openCostSnippet}
        </pre>
        <Text as="h3" variant="body-medium" weight="bold">
          Cloud bills: FOCUS exports
        </Text>
        <Text as="p" variant="body-small">
          AWS, Azure, GCP and OCI export billing data in the FinOps FOCUS
          format; import the CSV files with <code>cost.focus.imports</code>:
        </Text>
        <pre className={helpStyles.code} aria-label="FOCUS configuration">
          {focusSnippet}
        </pre>
      </div>
    </CardBody>
  </Card>
);

/**
 * Sources are connected, but no cost row matched this entity: explain how
 * rows are matched, with this entity's own selector.
 */
export const NoEntityCost = ({
  entity,
  windowLabel,
}: {
  entity: Entity;
  windowLabel: string;
}) => {
  const annotations = entity.metadata.annotations ?? {};
  const selector = annotations[COST_ALLOCATION_ANNOTATION];
  const kubernetesId =
    annotations[KUBERNETES_ID_ANNOTATION] ?? entity.metadata.name;
  const kind = entity.kind.toLocaleLowerCase('en-US');
  return (
    <Card>
      <CardBody>
        <div
          className={helpStyles.help}
          role="region"
          aria-label="How cost is matched"
        >
          <Text as="h2" variant="title-x-small">
            No cost for {entity.metadata.title ?? entity.metadata.name} in the{' '}
            {windowLabel.toLocaleLowerCase('en-US')}
          </Text>
          {kind === 'component' ? (
            <>
              <Text as="p" color="secondary">
                A cost row belongs to the component whose{' '}
                <code>{COST_ALLOCATION_ANNOTATION}</code> selector matches the
                row’s Kubernetes labels or cloud tags.{' '}
                {selector ? (
                  <>
                    This component’s selector is <code>{selector}</code>, and no
                    row matched it.
                  </>
                ) : (
                  <>
                    This component has no selector, so the default{' '}
                    <code>app={kubernetesId}</code> (from{' '}
                    <code>{KUBERNETES_ID_ANNOTATION}</code>, else its name)
                    matched no row.
                  </>
                )}
              </Text>
              <pre
                className={helpStyles.code}
                aria-label="Allocation annotation"
              >
                {`metadata:\n  annotations:\n    ${COST_ALLOCATION_ANNOTATION}: app=${kubernetesId}`}
              </pre>
              <Text as="p" variant="body-small" color="secondary">
                Rows that match no entity are kept as unattributed; admins see
                them, with their labels, on a team’s Cost tab.
              </Text>
            </>
          ) : (
            <Text as="p" color="secondary">
              A {kind}’s cost is the sum of its components’. None of them has
              cost in this window: check each component’s{' '}
              <code>{COST_ALLOCATION_ANNOTATION}</code> annotation (default{' '}
              <code>app=&lt;{KUBERNETES_ID_ANNOTATION}&gt;</code>).
            </Text>
          )}
        </div>
      </CardBody>
    </Card>
  );
};
