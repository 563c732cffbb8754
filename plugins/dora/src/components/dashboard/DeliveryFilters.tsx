import type { ReactNode } from 'react';
import { Flex, Select } from '@backstage/ui';
import type {
  DeliverySelection,
  DeliverySelectionChange,
} from '../../hooks/useDeliverySelection';
import {
  DEFAULT_WINDOW_PRESET,
  filterStyles,
  isWindowPreset,
  WindowPicker,
  WindowProblem,
} from '@paved/portal-ui';
import { DemoDataBadge } from './DemoDataBadge';

/** The environments events usually name; any other one in the URL is kept. */
const knownEnvironments = ['production', 'staging', 'development'];

/** Window and environment pickers (and, on the Delivery page, the team). */
export const DeliveryFilters = ({
  selection,
  update,
  leading,
}: {
  selection: DeliverySelection;
  update: (change: DeliverySelectionChange) => void;
  leading?: ReactNode;
}) => {
  const environments = knownEnvironments.includes(selection.environment)
    ? knownEnvironments
    : [selection.environment, ...knownEnvironments];
  const windowKey =
    selection.windowPreset === 'custom' ||
    isWindowPreset(selection.windowPreset)
      ? selection.windowPreset
      : DEFAULT_WINDOW_PRESET;
  return (
    <Flex direction="column" gap="2">
      <div className={filterStyles.filters}>
        {leading}
        <WindowPicker
          preset={windowKey}
          from={selection.customFrom}
          to={selection.customTo}
          shown={selection.window}
          onChange={update}
        />
        <Select
          label="Environment"
          className={filterStyles.select}
          selectedKey={selection.environment}
          onSelectionChange={key => update({ environment: String(key) })}
          options={environments.map(e => ({ id: e, label: e }))}
        />
        <div className={filterStyles.filtersEnd}>
          <DemoDataBadge />
        </div>
      </div>
      <WindowProblem problem={selection.window.problem} />
    </Flex>
  );
};
