import type { Entity } from '@backstage/catalog-model';
import type { CampaignTarget } from '../database/CampaignStore';
import type { StoredCheck } from '../database/ScorecardStore';

const lower = (value: unknown) =>
  typeof value === 'string' ? value.toLocaleLowerCase('en-US') : undefined;

const related = (entity: Entity, type: string) =>
  (entity.relations ?? [])
    .filter(r => r.type === type)
    .map(r => r.targetRef.toLocaleLowerCase('en-US'));

/**
 * Whether a campaign targets a component: every list given must name one
 * of its values (owners and systems by full ref, through the catalog's
 * relations); no list means any component.
 */
export function isTargeted(entity: Entity, target: CampaignTarget): boolean {
  const within = (values: string[] | undefined, actual: string[]) =>
    !values?.length ||
    values.some(v => actual.includes(v.toLocaleLowerCase('en-US')));
  const spec = entity.spec ?? {};
  return (
    within(target.owners, related(entity, 'ownedBy')) &&
    within(target.systems, related(entity, 'partOf')) &&
    within(target.types, [lower(spec.type)].filter(Boolean) as string[]) &&
    within(
      target.lifecycles,
      [lower(spec.lifecycle)].filter(Boolean) as string[],
    )
  );
}

/**
 * The campaign's checks a component still fails: failed, or not evaluated.
 * Passed, passed with an exception and not applicable are done.
 */
export function stillFailing(checks: StoredCheck[], asked: string[]): string[] {
  const outcomes = new Map(checks.map(c => [c.id, c.outcome]));
  return asked.filter(id => {
    const outcome = outcomes.get(id);
    return outcome === undefined || outcome === 'fail';
  });
}
