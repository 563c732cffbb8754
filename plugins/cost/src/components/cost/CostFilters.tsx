import type { ReactNode } from 'react';
import { ToggleButton, ToggleButtonGroup } from '@backstage/ui';
import type {
  CostSelection,
  CostSelectionChange,
} from '../../hooks/useCostSelection';
import { filterStyles, WindowPicker, WindowProblem } from '@paved/portal-ui';

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
  <>
    <div className={filterStyles.filters}>
      <WindowPicker
        preset={selection.windowPreset}
        from={selection.customFrom}
        to={selection.customTo}
        shown={selection.window}
        onChange={update}
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
    <WindowProblem problem={selection.window.problem} />
  </>
);
