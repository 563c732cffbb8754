import { Select, Text } from '@backstage/ui';
import filters from './filters.module.css';
import { isoDate, windowPresets } from './window';

/** What the picker changes: the URL's `window`, `from` and `to`. */
export type WindowPickerChange = {
  window?: string;
  from?: string;
  to?: string;
};

const DateField = ({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) => (
  <label className={filters.dateField}>
    <span className={filters.fieldLabel}>{label}</span>
    <input
      type="date"
      value={value}
      max={isoDate(new Date())}
      onChange={event => onChange(event.target.value)}
    />
  </label>
);

/**
 * The window select of every Paved dashboard — the same presets with the
 * same meaning on Delivery and Cost (last 7/30/90/180 days, this month,
 * last month) — and, for "Custom dates", the first and last day.
 */
export const WindowPicker = ({
  preset,
  from,
  to,
  shown,
  onChange,
}: {
  /** The chosen preset's id, or "custom". */
  preset: string;
  /** The custom first and last day (inclusive), YYYY-MM-DD. */
  from?: string;
  to?: string;
  /** The window shown now (`to` exclusive), to start a custom range from. */
  shown: { from: string; to: string };
  onChange: (change: WindowPickerChange) => void;
}) => (
  <>
    <Select
      label="Window"
      className={filters.select}
      selectedKey={preset}
      onSelectionChange={key => {
        if (key === 'custom') {
          onChange({
            window: 'custom',
            from: isoDate(shown.from),
            to: isoDate(Date.parse(shown.to) - 1),
          });
        } else {
          onChange({ window: String(key), from: undefined, to: undefined });
        }
      }}
      options={[
        ...windowPresets.map(p => ({ id: p.id, label: p.label })),
        { id: 'custom', label: 'Custom dates' },
      ]}
    />
    {preset === 'custom' && (
      <>
        <DateField
          label="From"
          value={from ?? ''}
          onChange={value => onChange({ from: value })}
        />
        <DateField
          label="To"
          value={to ?? ''}
          onChange={value => onChange({ to: value })}
        />
      </>
    )}
  </>
);

/** Why a custom window could not be used, under the filter bar. */
export const WindowProblem = ({ problem }: { problem?: string }) =>
  problem ? (
    <Text as="p" variant="body-small" className={filters.problem}>
      {problem}
    </Text>
  ) : null;
