import { Card, CardBody, Flex, Link, Text } from '@backstage/ui';
import { helpStyles } from '@paved/portal-ui';
import styles from './shared.module.css';

const KUBERNETES_PLUGIN_DOCS =
  'https://backstage.io/docs/features/kubernetes/configuration#surfacing-your-kubernetes-components-as-part-of-an-entity';

/**
 * The empty state: how a component is connected to its workloads, for a
 * team none of whose components is.
 */
export const NoKubernetesWorkloads = ({ name }: { name: string }) => (
  <Card>
    <CardBody>
      <Flex direction="column" gap="3">
        <Text as="h2" variant="title-x-small">
          No component of {name} is connected to Kubernetes
        </Text>
        <Text as="p">
          Workloads are found by an annotation on the component’s{' '}
          <code className={styles.code}>catalog-info.yaml</code>:{' '}
          <code className={styles.code}>backstage.io/kubernetes-id</code> finds
          the Deployments, StatefulSets and DaemonSets labelled{' '}
          <code className={styles.code}>backstage.io/kubernetes-id</code> with
          the same value;{' '}
          <code className={styles.code}>
            backstage.io/kubernetes-label-selector
          </code>{' '}
          finds them by any label selector instead.
        </Text>
        <pre className={helpStyles.code}>
          {`# catalog-info.yaml
metadata:
  annotations:
    backstage.io/kubernetes-id: checkout-service

# the Deployment (and its pod template)
metadata:
  labels:
    backstage.io/kubernetes-id: checkout-service`}
        </pre>
        <Text as="p">
          Label the workloads (or their namespace) with{' '}
          <code className={styles.code}>paved.dev/environment</code> to see them
          by environment. The annotations are those of the official Kubernetes
          plugin: see{' '}
          <Link href={KUBERNETES_PLUGIN_DOCS} target="_blank">
            Surfacing your Kubernetes components as part of an entity
          </Link>{' '}
          in the Backstage documentation.
        </Text>
      </Flex>
    </CardBody>
  </Card>
);
