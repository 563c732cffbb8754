import { useMemo, useState } from 'react';
import { Flex, Link, Select, Text } from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import {
  filterStyles,
  resolveWindow,
  useSearchParamsUpdate,
  windowPresets,
  isWindowPreset,
  DEFAULT_WINDOW_PRESET,
} from '@paved/portal-ui';
import { OutcomesView } from './OutcomesView';

/** The longest window the outcomes backend answers for. */
const MAX_WINDOW_DAYS = 366;

/**
 * The "Outcomes" tab of a group, system or component: how fast, how safely
 * and at what cost it ships, on the window chosen (kept in the URL).
 */
export const EntityOutcomesContent = () => {
  const { entity } = useEntity();
  const entityLink = useEntityRefLink();
  const [params, update] = useSearchParamsUpdate<'window'>();
  // "Last N days" end with the day the page was opened.
  const [now] = useState(() => new Date());
  const requested = params.get('window');
  const preset = isWindowPreset(requested) ? requested! : DEFAULT_WINDOW_PRESET;
  const window = useMemo(
    () => resolveWindow({ preset }, now, { maxDays: MAX_WINDOW_DAYS }),
    [preset, now],
  );
  const base = entityLink(entity);
  const query = preset === DEFAULT_WINDOW_PRESET ? '' : `?window=${preset}`;
  return (
    <Flex direction="column" gap="5">
      <div className={filterStyles.filters}>
        <Select
          label="Window"
          className={filterStyles.select}
          selectedKey={preset}
          onSelectionChange={key => update({ window: String(key) })}
          options={windowPresets.map(p => ({ id: p.id, label: p.label }))}
        />
        <div className={filterStyles.filtersEnd}>
          <Flex gap="4" align="center">
            <Text as="span" variant="body-small" color="secondary">
              production · compared with the previous {window.days} days
            </Text>
            <Link href={`${base}/delivery${query}`}>Delivery</Link>
            <Link href={`${base}/cost${query}`}>Cost</Link>
          </Flex>
        </div>
      </div>
      <OutcomesView
        scope={{
          entityRef: stringifyEntityRef(entity),
          from: window.from,
          to: window.to,
          environment: 'production',
        }}
        windowDays={window.days}
      />
    </Flex>
  );
};
