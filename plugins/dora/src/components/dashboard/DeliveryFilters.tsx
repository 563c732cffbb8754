import type { ReactNode } from 'react';
import { Flex, Select, Text } from '@backstage/ui';
import type {
  DeliverySelection,
  DeliverySelectionChange,
} from '../../hooks/useDeliverySelection';
import { filterStyles } from '@paved/portal-ui';
import { isoDate, windowPresets } from '../../lib/window';
import { DemoDataBadge } from './DemoDataBadge';
import styles from './dashboard.module.css';

/** The environments events usually name; any other one in the URL is kept. */
const knownEnvironments = ['production', 'staging', 'development'];

const DateField = ({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) => (
  <label className={styles.dateField}>
    <span className={styles.fieldLabel}>{label}</span>
    <input
      type="date"
      value={value}
      max={isoDate(new Date())}
      onChange={event => onChange(event.target.value)}
    />
  </label>
);

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
  const custom = selection.windowPreset === 'custom';
  const windowKey =
    custom || windowPresets.some(p => p.id === selection.windowPreset)
      ? selection.windowPreset
      : windowPresets[0].id;
  return (
    <Flex direction="column" gap="2">
      <div className={filterStyles.filters}>
        {leading}
        <Select
          label="Window"
          className={filterStyles.select}
          selectedKey={windowKey}
          onSelectionChange={key => {
            if (key === 'custom') {
              update({
                window: 'custom',
                from: isoDate(selection.window.from),
                to: isoDate(new Date(Date.parse(selection.window.to) - 1)),
              });
            } else {
              update({ window: String(key), from: undefined, to: undefined });
            }
          }}
          options={[
            ...windowPresets.map(p => ({ id: p.id, label: p.label })),
            { id: 'custom', label: 'Custom dates' },
          ]}
        />
        {custom && (
          <>
            <DateField
              label="From"
              value={selection.customFrom ?? ''}
              onChange={from => update({ from })}
            />
            <DateField
              label="To"
              value={selection.customTo ?? ''}
              onChange={to => update({ to })}
            />
          </>
        )}
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
      {selection.window.problem && (
        <Text as="p" variant="body-small" color="warning">
          {selection.window.problem}
        </Text>
      )}
    </Flex>
  );
};
