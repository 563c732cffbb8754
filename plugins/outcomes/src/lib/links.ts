import type { DrillDown } from '@paved/plugin-outcomes-common';
import { parseEntityRef } from '@backstage/catalog-model';
import type { DayWindow } from '@paved/portal-ui';

const DAY_MS = 86_400_000;

/** The entity page of a ref, as the catalog routes it. */
export function entityPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(name)}`;
}

/**
 * Where a number's or a signal's evidence is: the Delivery tab on the same
 * days with the deployments behind the metric open, the Cost tab on the
 * same days, or the Workloads tab. For the organisation, the Delivery
 * page (the organisation's cost has no page of its own: no link).
 */
export function drillDownHref(
  drillDown: DrillDown,
  window: DayWindow,
  environment: string,
): string | undefined {
  const params = new URLSearchParams();
  if (drillDown.view === 'delivery' || drillDown.view === 'cost') {
    // The tabs' custom window names its last day, inclusive.
    const lastDay = new Date(Date.parse(`${window.to}T00:00:00Z`) - DAY_MS)
      .toISOString()
      .slice(0, 10);
    params.set('window', 'custom');
    params.set('from', window.from);
    params.set('to', lastDay);
  }
  if (drillDown.view === 'delivery') {
    if (environment !== 'production') params.set('environment', environment);
    if (drillDown.metric) params.set('deployments', drillDown.metric);
  }
  const query = params.size > 0 ? `?${params}` : '';
  if (!drillDown.entityRef) {
    return drillDown.view === 'delivery'
      ? `/delivery?team=all&${params}`
      : undefined;
  }
  const tab = drillDown.view;
  return `${entityPath(drillDown.entityRef)}/${tab}${query}`;
}
