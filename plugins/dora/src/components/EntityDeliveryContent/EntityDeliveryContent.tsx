import { Flex } from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  useEntity,
  useEntityPresentation,
} from '@backstage/plugin-catalog-react';
import { useDeliverySelection } from '../../hooks/useDeliverySelection';
import {
  DeliveryDashboard,
  DeliveryFilters,
  type DashboardScope,
} from '../dashboard';
import styles from './EntityDeliveryContent.module.css';

/**
 * The "Delivery" tab of a group, system or component: the same dashboard
 * as the Delivery page, for that entity's components.
 */
export const EntityDeliveryContent = () => {
  const { entity } = useEntity();
  const { primaryTitle } = useEntityPresentation(entity);
  const { selection, update } = useDeliverySelection();
  const kind = entity.kind.toLocaleLowerCase('en-US');
  const scope: DashboardScope = {
    entityRef: stringifyEntityRef(entity),
    name: primaryTitle,
    kind: kind === 'group' || kind === 'system' ? kind : 'component',
    entity,
  };
  return (
    <Flex direction="column" gap="5" className={styles.content}>
      <DeliveryFilters selection={selection} update={update} />
      <DeliveryDashboard scope={scope} selection={selection} update={update} />
    </Flex>
  );
};
