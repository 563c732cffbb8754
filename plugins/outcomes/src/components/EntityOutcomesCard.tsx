import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  Link,
  Skeleton,
  Text,
} from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { ReadError, resolveWindow } from '@paved/portal-ui';
import { outcomesApiRef } from '../api';
import { changeText, guardrails, headline } from '../lib/measures';
import styles from './EntityOutcomesCard.module.css';

/** Signals the card shows; the Outcomes tab lists every one. */
const CARD_SIGNALS = 3;

/**
 * Outcomes at a glance on the overview of a component, system or team:
 * the four headline numbers and the two guardrails over the last 30 days
 * with their change, and the first signals, linking to the Outcomes tab.
 */
export const EntityOutcomesCard = () => {
  const { entity } = useEntity();
  const api = useApi(outcomesApiRef);
  const entityLink = useEntityRefLink();
  const entityRef = stringifyEntityRef(entity);
  const [now] = useState(() => new Date());
  const window = useMemo(
    () => resolveWindow({ preset: '30' }, now, { maxDays: 366 }),
    [now],
  );
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      api.getOutcomes({
        entityRef,
        from: window.from,
        to: window.to,
        environment: 'production',
      }),
    [api, entityRef, window],
  );
  const signals = value?.signals.slice(0, CARD_SIGNALS) ?? [];
  const more = (value?.signals.length ?? 0) - signals.length;
  return (
    <Card aria-labelledby="outcomes-card-title">
      <CardHeader>
        <Text as="h2" id="outcomes-card-title" variant="title-x-small">
          Outcomes
        </Text>
        <Text as="p" variant="body-small" color="secondary">
          Speed, stability and cost · last 30 days vs the 30 before
        </Text>
      </CardHeader>
      <CardBody>
        {loading && <Skeleton width="100%" height={150} />}
        {error && (
          <ReadError
            title="Could not load outcomes"
            error={error}
            onRetry={retry}
          />
        )}
        {value && !loading && (
          <>
            <dl className={styles.measures}>
              {[...headline, ...guardrails].map(d => {
                const measure = d.pick(value);
                const change = changeText(d, measure, window.days);
                return (
                  <div key={d.id} className={styles.measure}>
                    <dt>{d.title}</dt>
                    <dd>
                      <span className={styles.value}>
                        {d.format(measure.value, value.currency)}
                      </span>
                      <span className={styles.change} data-tone={change.tone}>
                        {change.direction === 'none'
                          ? ''
                          : change.text.replace(/ vs previous \d+ days$/, '')}
                      </span>
                    </dd>
                  </div>
                );
              })}
            </dl>
            {signals.length > 0 && (
              <ul className={styles.signals} aria-label="Signals">
                {signals.map(signal => (
                  <li
                    key={`${signal.rule}:${signal.title}`}
                    className={styles.signal}
                    data-tone={signal.tone}
                  >
                    <strong>{signal.title}.</strong> {signal.message}
                  </li>
                ))}
              </ul>
            )}
            {more > 0 && (
              <Text as="p" variant="body-small" color="secondary">
                {more === 1
                  ? 'One more signal on the Outcomes tab.'
                  : `${more} more signals on the Outcomes tab.`}
              </Text>
            )}
          </>
        )}
      </CardBody>
      <CardFooter>
        <Link href={`${entityLink(entity)}/outcomes`}>
          Trends, signals and what delivery costs
        </Link>
      </CardFooter>
    </Card>
  );
};
