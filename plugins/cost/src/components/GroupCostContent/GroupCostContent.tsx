import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  EntityCostView,
  RankingsSection,
  UnattributedCostSection,
} from '../cost';

/**
 * The "Cost" tab of a group: the team's total (its components, directly
 * or through sub-groups) and trend, its components ranked by cost and by
 * change, and for admins the organisation's unattributed cost.
 */
export const GroupCostContent = () => {
  const { entity } = useEntity();
  return (
    <EntityCostView
      entity={entity}
      footer={selection => (
        <UnattributedCostSection window={selection.window} />
      )}
    >
      {(_cost, selection) => (
        <RankingsSection
          entityRef={stringifyEntityRef(entity)}
          window={selection.window}
        />
      )}
    </EntityCostView>
  );
};
