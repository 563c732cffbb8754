import type { ReactNode } from 'react';
import { Select, ToggleButton, ToggleButtonGroup } from '@backstage/ui';
import type {
  CostSelection,
  CostSelectionChange,
} from '../../hooks/useCostSelection';
import { filterStyles, windowPresets } from '@paved/portal-ui';

/** Window and granularity pickers, and whatever the view adds at the end. */
export const CostFilters = ({
  selection,
  update,
  end,
}: {
  selection: CostSelection;
  update: (change: CostSelectionChange) => void;
  end?: ReactNode;
}) => (
  <div className={filterStyles.filters}>
    <Select
      label="Window"
      className={filterStyles.select}
      selectedKey={selection.windowPreset}
      onSelectionChange={key => update({ window: String(key) })}
      options={windowPresets.map(p => ({ id: p.id, label: p.label }))}
    />
    <ToggleButtonGroup
      aria-label="Granularity"
      selectionMode="single"
      disallowEmptySelection
      selectedKeys={[selection.granularity]}
      onSelectionChange={keys => {
        const [next] = [...keys];
        if (next) update({ granularity: String(next) });
      }}
    >
      <ToggleButton id="day">Day</ToggleButton>
      <ToggleButton id="month">Month</ToggleButton>
    </ToggleButtonGroup>
    {end && <div className={filterStyles.filtersEnd}>{end}</div>}
  </div>
);
